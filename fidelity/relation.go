package fidelity

import (
	"hash/maphash"
	"slices"
)

// SampleCap is the most keys a KeySample holds before it halves its rate.
const SampleCap = 8192

var keySeed = maphash.MakeSeed()

// KeySample is a uniform, hash-chosen sample of the values of one side of a
// relation, with how many rows carry each sampled value. A value is kept when
// the low Level bits of its hash are zero, so both sides of a relation (and
// every goroutine's part of one side) keep the same values at the same level.
// Memory is bounded by SampleCap keys. Not safe for concurrent use.
type KeySample struct {
	// Level is the sampling level: a rate of 1/2^Level.
	Level uint8
	// Rows counts every non-NULL value added, sampled or not.
	Rows   int64
	counts map[uint64]uint32
}

// NewKeySample returns an empty sample at rate 1.
func NewKeySample() *KeySample { return &KeySample{counts: map[uint64]uint32{}} }

// HashKey hashes the values of a (possibly composite) key; ok is false when
// any part is NULL (such rows point at nothing).
func HashKey(parts ...[]byte) (h uint64, ok bool) {
	if len(parts) == 1 {
		if parts[0] == nil {
			return 0, false
		}
		return maphash.Bytes(keySeed, parts[0]), true
	}
	var mh maphash.Hash
	mh.SetSeed(keySeed)
	for _, p := range parts {
		if p == nil {
			return 0, false
		}
		var n [4]byte
		l := len(p)
		n[0], n[1], n[2], n[3] = byte(l), byte(l>>8), byte(l>>16), byte(l>>24)
		mh.Write(n[:])
		mh.Write(p)
	}
	return mh.Sum64(), true
}

func (k *KeySample) keeps(h uint64) bool { return h&(1<<k.Level-1) == 0 }

// AddHash records one row whose key hashes to h.
func (k *KeySample) AddHash(h uint64) {
	k.Rows++
	if !k.keeps(h) {
		return
	}
	k.counts[h]++
	if len(k.counts) > SampleCap {
		k.raise(k.Level + 1)
	}
}

// raise lowers the rate to 1/2^level, dropping the keys no longer kept.
func (k *KeySample) raise(level uint8) {
	for level > k.Level {
		k.Level++
		for h := range k.counts {
			if !k.keeps(h) {
				delete(k.counts, h)
			}
		}
	}
	for len(k.counts) > SampleCap {
		k.raise(k.Level + 1)
	}
}

// Merge adds other's rows into k (at the lower of the two rates).
func (k *KeySample) Merge(other *KeySample) {
	if other == nil {
		return
	}
	k.Rows += other.Rows
	k.raise(max(k.Level, other.Level))
	for h, c := range other.counts {
		if k.keeps(h) {
			k.counts[h] += c
		}
	}
	k.raise(k.Level)
}

// RelationStats is what one side of a clone shows of a relation.
type RelationStats struct {
	ParentRows, ChildRows int64
	// ChildMatch is the share of non-NULL child rows whose value is a parent's.
	ChildMatch float64
	// ParentsWithChildren is the share of distinct parent values that at
	// least one child row carries.
	ParentsWithChildren float64
	// FanoutP50, FanoutP99 and FanoutMax are children per parent among the
	// parents that have children.
	FanoutP50, FanoutP99, FanoutMax int64
	// SampleRate is the share of values the numbers were computed from.
	SampleRate float64
}

// Relate computes a relation's statistics from the samples of its parent
// (referenced) side and its child (referencing) side.
func Relate(parents, children *KeySample) RelationStats {
	level := max(parents.Level, children.Level)
	keep := func(h uint64) bool { return h&(1<<level-1) == 0 }
	st := RelationStats{ParentRows: parents.Rows, ChildRows: children.Rows, SampleRate: 1 / float64(uint64(1)<<level)}
	var childSampled, childMatched int64
	var fan []int64
	for h, c := range children.counts {
		if !keep(h) {
			continue
		}
		childSampled += int64(c)
		if _, ok := parents.counts[h]; ok {
			childMatched += int64(c)
			fan = append(fan, int64(c))
		}
	}
	var parentKeys int
	for h := range parents.counts {
		if keep(h) {
			parentKeys++
		}
	}
	st.ChildMatch = ratio(childMatched, childSampled)
	st.ParentsWithChildren = ratio(int64(len(fan)), int64(parentKeys))
	if len(fan) > 0 {
		slices.Sort(fan)
		st.FanoutP50 = quantile(fan, 0.50)
		st.FanoutP99 = quantile(fan, 0.99)
		st.FanoutMax = fan[len(fan)-1]
	}
	return st
}

// quantile is the nearest-rank q-quantile of sorted values.
func quantile(sorted []int64, q float64) int64 {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
