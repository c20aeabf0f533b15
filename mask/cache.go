package mask

import (
	"bytes"
	"hash/maphash"
	"sync/atomic"
)

// cacheSlots is the size of a column's memo (a power of two).
const cacheSlots = 1 << 13

// cachedTransformer remembers recent input -> output pairs of a transformer
// in a small direct-mapped, lock-free table. Masking is a pure function of
// the value, so a hit is exactly what the transformer would return; real
// columns repeat values a lot (names, cities, dates), and this skips the
// keyed derivation for the repeats. Outputs are shared between rows, which
// is safe because no step modifies a row's fields in place.
type cachedTransformer struct {
	tr    Transformer
	seed  maphash.Seed
	slots []atomic.Pointer[cacheEntry]
	// lookups and hits decide, after cacheTrial lookups, whether the column
	// repeats enough for the memo to pay; off bypasses it from then on.
	lookups, hits atomic.Int64
	off           atomic.Bool
}

// cacheTrial is how many lookups decide whether a column's memo pays: it is
// kept when at least a quarter of them hit.
const cacheTrial = 4096

type cacheEntry struct {
	in, out []byte
}

func newCached(tr Transformer) *cachedTransformer {
	return &cachedTransformer{tr: tr, seed: maphash.MakeSeed(), slots: make([]atomic.Pointer[cacheEntry], cacheSlots)}
}

// Mask returns the remembered output for value, or computes and remembers it.
func (c *cachedTransformer) Mask(value []byte) ([]byte, error) {
	if c.off.Load() {
		return c.tr.Mask(value)
	}
	n := c.lookups.Add(1)
	slot := &c.slots[maphash.Bytes(c.seed, value)&(cacheSlots-1)]
	if e := slot.Load(); e != nil && bytes.Equal(e.in, value) {
		c.hits.Add(1)
		return e.out, nil
	}
	if n == cacheTrial && c.hits.Load()*4 < cacheTrial {
		c.off.Store(true) // values rarely repeat: the memo only costs
		return c.tr.Mask(value)
	}
	out, err := c.tr.Mask(value)
	if err != nil {
		return nil, err
	}
	slot.Store(&cacheEntry{in: bytes.Clone(value), out: out})
	return out, nil
}
