package subset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	"github.com/RoaringBitmap/roaring/v2/roaring64"
)

// ErrKeyBudget is wrapped by the error Select returns when the selection
// would hold more keys in memory than Options.MaxKeys allows.
var ErrKeyBudget = errors.New("subset key budget exceeded")

// budget counts the keys held in memory by every set and queue of one
// traversal, so that a runaway selection stops with a clear error instead of
// exhausting memory.
type budget struct {
	max, used int64
}

func (b *budget) take(n int64) {
	if b != nil {
		b.used += n
	}
}

func (b *budget) release(n int64) {
	if b != nil {
		b.used -= n
	}
}

func (b *budget) check(table string) error {
	if b == nil || b.max <= 0 || b.used <= b.max {
		return nil
	}
	return fmt.Errorf("%w: more than %d keys in memory while selecting rows of %s: "+
		"lower the subset's percent, limit or children caps (max_per_parent, max_rows), "+
		"or raise the key budget (Options.MaxKeys)", ErrKeyBudget, b.max, table)
}

// Hashing. Keys are hashed with 64-bit FNV-1a over a self-delimiting encoding
// of their fields, finished with the murmur3 mixer. The hash is a pure
// function of the bytes and a seed (the table name), so samples and child
// orderings are the same in every run.

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvBytes(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

func fnvByte(h uint64, c byte) uint64 {
	h ^= uint64(c)
	return h * fnvPrime
}

func mix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// seedOf derives a hash seed from a name (a table's qualified name).
func seedOf(name string) uint64 {
	return fnvBytes(fnvOffset, []byte(name))
}

// hashTuple hashes fields exactly as hashBytes(seed, appendTuple(nil, fields))
// would, without allocating.
func hashTuple(seed uint64, fields [][]byte) uint64 {
	h := seed
	var lenBuf [binary.MaxVarintLen64]byte
	for _, f := range fields {
		if f == nil {
			h = fnvByte(h, 0)
			continue
		}
		h = fnvByte(h, 1)
		n := binary.PutUvarint(lenBuf[:], uint64(len(f)))
		h = fnvBytes(h, lenBuf[:n])
		h = fnvBytes(h, f)
	}
	return mix64(h)
}

// hashBytes hashes an encoded tuple.
func hashBytes(seed uint64, tuple []byte) uint64 {
	return mix64(fnvBytes(seed, tuple))
}

// appendTuple appends the self-delimiting encoding of fields to dst: per
// field, 0 for NULL, or 1, the length as a uvarint and the bytes.
func appendTuple(dst []byte, fields [][]byte) []byte {
	for _, f := range fields {
		if f == nil {
			dst = append(dst, 0)
			continue
		}
		dst = append(dst, 1)
		dst = binary.AppendUvarint(dst, uint64(len(f)))
		dst = append(dst, f...)
	}
	return dst
}

// decodeTuple splits an encoded tuple of n fields. The fields alias tuple.
func decodeTuple(tuple []byte, n int) ([][]byte, error) {
	out := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		if len(tuple) == 0 {
			return nil, errors.New("subset: internal error: short key tuple")
		}
		tag := tuple[0]
		tuple = tuple[1:]
		if tag == 0 {
			out = append(out, nil)
			continue
		}
		l, k := binary.Uvarint(tuple)
		if k <= 0 || uint64(len(tuple)-k) < l {
			return nil, errors.New("subset: internal error: corrupt key tuple")
		}
		out = append(out, tuple[k:k+int(l)])
		tuple = tuple[k+int(l):]
	}
	return out, nil
}

// canonicalInt parses b as a base-10 int64 written the way engines print
// integers (no sign for positives, no leading zeros, no spaces), so that the
// mapping from text to integer is one-to-one.
func canonicalInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	neg := b[0] == '-'
	d := b
	if neg {
		d = b[1:]
		if len(d) == 0 {
			return 0, false
		}
	}
	if d[0] == '0' && (len(d) > 1 || neg) {
		return 0, false
	}
	var u uint64
	for _, c := range d {
		if c < '0' || c > '9' {
			return 0, false
		}
		hi, lo := bits.Mul64(u, 10)
		if hi != 0 {
			return 0, false
		}
		lo2, carry := bits.Add64(lo, uint64(c-'0'), 0)
		if carry != 0 {
			return 0, false
		}
		u = lo2
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return int64(-u), true // -u wraps to the right value for 1<<63
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}

// intSlot maps an int64 to the roaring64 domain keeping order, so small
// non-negative keys share one high-bits bucket.
func intSlot(v int64) uint64 { return uint64(v) ^ (1 << 63) }

// keySet is a set of key tuples held compactly: a single-field key that is a
// canonical integer goes into a roaring64 bitmap, anything else (text keys,
// composite keys, whole rows of tables without a key) into an open-addressed
// set of 64-bit hashes of the tuple's encoding. Membership of hashed keys is
// exact up to 64-bit hash collisions (probability about n²/2⁶⁵ for n keys).
type keySet struct {
	ints   *roaring64.Bitmap
	hashes hashSet
	n      int64
	b      *budget
}

func newKeySet(b *budget) *keySet { return &keySet{b: b} }

// keySeed is the fixed seed of keySet hashes (sets never mix tables).
const keySeed = fnvOffset

// add inserts the tuple and reports whether it was new.
func (k *keySet) add(fields [][]byte) bool {
	if len(fields) == 1 && fields[0] != nil {
		if v, ok := canonicalInt(fields[0]); ok {
			if k.ints == nil {
				k.ints = roaring64.New()
			}
			if !k.ints.CheckedAdd(intSlot(v)) {
				return false
			}
			k.n++
			k.b.take(1)
			return true
		}
	}
	if !k.hashes.add(hashTuple(keySeed, fields)) {
		return false
	}
	k.n++
	k.b.take(1)
	return true
}

// has reports whether the tuple is in the set. It does not allocate and is
// safe for concurrent use once the set is no longer modified.
func (k *keySet) has(fields [][]byte) bool {
	if len(fields) == 1 && fields[0] != nil {
		if v, ok := canonicalInt(fields[0]); ok {
			return k.ints != nil && k.ints.Contains(intSlot(v))
		}
	}
	return k.hashes.has(hashTuple(keySeed, fields))
}

// len returns the number of keys.
func (k *keySet) len() int64 { return k.n }

// free drops the set's contents and returns its keys to the budget.
func (k *keySet) free() {
	if k == nil {
		return
	}
	k.b.release(k.n)
	k.ints = nil
	k.hashes = hashSet{}
	k.n = 0
}

// optimize compacts the integer bitmap once the set is complete.
func (k *keySet) optimize() {
	if k.ints != nil {
		k.ints.RunOptimize()
	}
}

// hashSet is an open-addressed (linear probing) set of non-zero uint64
// hashes; 0 marks an empty slot, so a hash of 0 is stored as 1.
type hashSet struct {
	slots []uint64
	n     int
}

func (s *hashSet) add(h uint64) bool {
	if h == 0 {
		h = 1
	}
	if (s.n+1)*4 > len(s.slots)*3 {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return false
		case 0:
			s.slots[i] = h
			s.n++
			return true
		}
	}
}

func (s *hashSet) has(h uint64) bool {
	if s.n == 0 {
		return false
	}
	if h == 0 {
		h = 1
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

func (s *hashSet) grow() {
	size := 16
	if len(s.slots) > 0 {
		size = len(s.slots) * 2
	}
	old := s.slots
	s.slots = make([]uint64, size)
	mask := uint64(size - 1)
	for _, h := range old {
		if h == 0 {
			continue
		}
		i := h & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = h
	}
}

// bytes estimates the memory the set holds: the roaring bitmap's serialized
// size and 8 bytes per hash slot.
func (k *keySet) bytes() int64 {
	if k == nil {
		return 0
	}
	var n int64
	if k.ints != nil {
		n += int64(k.ints.GetSizeInBytes())
	}
	return n + int64(len(k.hashes.slots))*8
}
