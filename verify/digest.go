package verify

import (
	"crypto/rand"
	"encoding/binary"
	"math/bits"
	"sync"
)

// Digest classes: the same text digested as a text value and as a digit
// string must not collide, so the class is part of the digested input.
const (
	classText   byte = 't'
	classDigits byte = 'd'
	classPair   byte = 'k' // table, column, row key and value
)

// hasher computes keyed 64-bit digests with SipHash-2-4 under a per-run
// random 128-bit key. SipHash is a keyed pseudo-random function: without the
// key, a digest says nothing about the value, and the key never leaves the
// process. A hasher is immutable and safe for concurrent use.
type hasher struct{ k0, k1 uint64 }

func newHasher() hasher {
	var k [16]byte
	rand.Read(k[:]) // never fails (crypto/rand.Read panics instead)
	return hasher{binary.LittleEndian.Uint64(k[:8]), binary.LittleEndian.Uint64(k[8:])}
}

// digest returns the digest of class || value.
func (h hasher) digest(class byte, value string) uint64 {
	return sipHash24(h.k0, h.k1, class, value)
}

// digestBytes is digest for a byte slice.
func (h hasher) digestBytes(class byte, value []byte) uint64 {
	return sipHash24(h.k0, h.k1, class, value)
}

// sipHash24 is SipHash-2-4 (Aumasson and Bernstein, 2012) of the message
// formed by prefix followed by s, when prefix != 0; of s alone otherwise.
func sipHash24[T ~string | ~[]byte](k0, k1 uint64, prefix byte, s T) uint64 {
	v0 := k0 ^ 0x736f6d6570736575
	v1 := k1 ^ 0x646f72616e646f6d
	v2 := k0 ^ 0x6c7967656e657261
	v3 := k1 ^ 0x7465646279746573
	round := func() {
		v0 += v1
		v1 = bits.RotateLeft64(v1, 13)
		v1 ^= v0
		v0 = bits.RotateLeft64(v0, 32)
		v2 += v3
		v3 = bits.RotateLeft64(v3, 16)
		v3 ^= v2
		v0 += v3
		v3 = bits.RotateLeft64(v3, 21)
		v3 ^= v0
		v2 += v1
		v1 = bits.RotateLeft64(v1, 17)
		v1 ^= v2
		v2 = bits.RotateLeft64(v2, 32)
	}
	n := len(s)
	var buf [8]byte
	var fill int // bytes pending in buf
	if prefix != 0 {
		buf[0] = prefix
		fill = 1
		n++
	}
	compress := func(m uint64) {
		v3 ^= m
		round()
		round()
		v0 ^= m
	}
	i := 0
	// Complete the first block when a prefix byte is pending.
	if fill > 0 {
		for fill < 8 && i < len(s) {
			buf[fill] = s[i]
			fill++
			i++
		}
		if fill == 8 {
			compress(binary.LittleEndian.Uint64(buf[:]))
			fill = 0
		}
	}
	for ; fill == 0 && i+8 <= len(s); i += 8 {
		compress(uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56)
	}
	for ; i < len(s); i++ {
		buf[fill] = s[i]
		fill++
	}
	var last uint64
	for j := 0; j < fill; j++ {
		last |= uint64(buf[j]) << (8 * j)
	}
	last |= uint64(n&0xff) << 56
	compress(last)
	v2 ^= 0xff
	round()
	round()
	round()
	round()
	return v0 ^ v1 ^ v2 ^ v3
}

// Origin is one place original values were read from: a source column, a
// JSON path inside one, or a combination of columns (first and last name).
type Origin struct {
	// Table is the source table's qualified name.
	Table string
	// Column is the column, "column $.path" for JSON members, or
	// "first+last" for a name assembled from two columns.
	Column string
	// Category is the kind of personal data (email, phone, person_name, ...).
	Category string
	// local marks the single-word values of a name column: they count as
	// leaks only in the twin column they were read from.
	local bool
	// dense marks values of a dense space of digits (phones, identifiers).
	dense bool
}

// String returns "table.column".
func (o Origin) String() string { return o.Table + "." + o.Column }

// originSets numbers the origins of original values, so a digest run
// stores one small number per digest.
type originSets struct {
	mu      sync.Mutex
	origins []Origin
	byName  map[Origin]uint32
}

func newOriginSets() *originSets {
	return &originSets{byName: map[Origin]uint32{}}
}

// origin returns the number of o, registering it.
func (os *originSets) origin(o Origin) uint32 {
	os.mu.Lock()
	defer os.mu.Unlock()
	if n, ok := os.byName[o]; ok {
		return n
	}
	n := uint32(len(os.origins))
	os.origins = append(os.origins, o)
	os.byName[o] = n
	return n
}
