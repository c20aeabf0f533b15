package verify

import (
	"crypto/rand"
	"encoding/binary"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Digest classes: the same text digested as a text value and as a digit
// string must not collide, so the class is part of the digested input.
const (
	classText   byte = 't'
	classDigits byte = 'd'
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
}

// String returns "table.column".
func (o Origin) String() string { return o.Table + "." + o.Column }

// digestSet maps the digest of every collected original value to the set of
// origins it was read from. It holds 8-byte digests and 4-byte origin-set
// numbers, never values. Adds are safe for concurrent use; lookups are
// lock-free once collection is over (freeze).
type digestSet struct {
	shards [64]struct {
		mu sync.Mutex
		m  map[uint64]uint32
	}
	origins *originSets
}

func newDigestSet() *digestSet {
	s := &digestSet{origins: newOriginSets()}
	for i := range s.shards {
		s.shards[i].m = map[uint64]uint32{}
	}
	return s
}

// add records digest d as coming from origin o (an origin number).
func (s *digestSet) add(d uint64, o uint32) {
	sh := &s.shards[d>>58]
	sh.mu.Lock()
	set, ok := sh.m[d]
	if !ok {
		sh.m[d] = s.origins.single(o)
	} else if next := s.origins.with(set, o); next != set {
		sh.m[d] = next
	}
	sh.mu.Unlock()
}

// get returns the origin set of d. Call only after every add has finished.
func (s *digestSet) get(d uint64) (uint32, bool) {
	set, ok := s.shards[d>>58].m[d]
	return set, ok
}

// len returns the number of digests held.
func (s *digestSet) len() int {
	n := 0
	for i := range s.shards {
		n += len(s.shards[i].m)
	}
	return n
}

// originSets interns origins and sets of origins, so the digest map stores
// one small number per digest.
type originSets struct {
	mu      sync.Mutex
	origins []Origin
	byName  map[Origin]uint32
	sets    [][]uint32 // set number -> sorted origin numbers
	byKey   map[string]uint32
}

func newOriginSets() *originSets {
	return &originSets{byName: map[Origin]uint32{}, byKey: map[string]uint32{}}
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

func (os *originSets) single(o uint32) uint32 {
	os.mu.Lock()
	defer os.mu.Unlock()
	return os.intern([]uint32{o})
}

// with returns the set holding the origins of set plus o.
func (os *originSets) with(set, o uint32) uint32 {
	os.mu.Lock()
	defer os.mu.Unlock()
	cur := os.sets[set]
	i := sort.Search(len(cur), func(i int) bool { return cur[i] >= o })
	if i < len(cur) && cur[i] == o {
		return set
	}
	next := make([]uint32, 0, len(cur)+1)
	next = append(next, cur[:i]...)
	next = append(next, o)
	next = append(next, cur[i:]...)
	return os.intern(next)
}

func (os *originSets) intern(members []uint32) uint32 {
	var b strings.Builder
	for _, m := range members {
		b.WriteString(strconv.FormatUint(uint64(m), 36))
		b.WriteByte(',')
	}
	key := b.String()
	if n, ok := os.byKey[key]; ok {
		return n
	}
	n := uint32(len(os.sets))
	os.sets = append(os.sets, members)
	os.byKey[key] = n
	return n
}

// members returns the origins of a set. Call only after collection.
func (os *originSets) members(set uint32) []uint32 { return os.sets[set] }
