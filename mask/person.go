package mask

import (
	"strings"
	"unicode/utf8"

	"github.com/brianvoe/gofakeit/v7/data"
)

// Dictionaries come from gofakeit's data package; values pick entries by a
// keyed index (no faker per value).
var (
	firstNames  = dedupe(data.Person["first"])
	middleNames = dedupe(data.Person["middle"])
	lastNames   = dedupe(data.Person["last"])
)

func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// dict is a dictionary with its shortest entry, for fit checks.
type dict struct {
	words    []string
	shortest int
}

func newDict(words []string) *dict {
	d := &dict{words: words, shortest: 1 << 30}
	for _, w := range words {
		d.shortest = min(d.shortest, utf8.RuneCountInString(w))
	}
	return d
}

// pickFit picks the entry at a keyed index, walking to the next entries
// while the pick is longer than maxLen characters (0 = no limit). The same
// input picks the same entry in every column where that entry fits.
func (d *dict) pickFit(r uint64, maxLen int) string {
	i := pick(r, len(d.words))
	if maxLen <= 0 {
		return d.words[i]
	}
	for range d.words {
		if w := d.words[i]; utf8.RuneCountInString(w) <= maxLen {
			return w
		}
		i = (i + 1) % len(d.words)
	}
	return truncateRunes(d.words[i], maxLen)
}

var (
	firstDict  = newDict(firstNames)
	middleDict = newDict(middleNames)
	lastDict   = newDict(lastNames)
)

// fakeOrFPE is a transformer with a fake style (a dictionary value keyed by
// the normalized input) and an fpe style (format-preserving encryption of
// the normalized input). Both put the original's case and surrounding white
// space back.
type fakeOrFPE struct {
	k      *keyed
	fpe    bool
	tweak  []byte
	maxLen int
	fake   func(k *keyed, norm string, h [32]byte, maxLen int) string
}

// Mask writes a fake value or enciphers the value, with the original case.
func (t *fakeOrFPE) Mask(v []byte) ([]byte, error) {
	tv := splitText(v)
	if tv.norm == "" {
		return append([]byte(nil), v...), nil
	}
	if t.fpe {
		return tv.finish(t.k.fpeString(tv.norm, t.tweak, maskAll)), nil
	}
	h := t.k.sum1([]byte(tv.norm))
	budget := t.maxLen
	if budget > 0 {
		budget -= utf8.RuneCountInString(tv.lead) + utf8.RuneCountInString(tv.trail)
		budget = max(budget, 1)
	}
	return tv.finish(t.fake(t.k, tv.norm, h, budget)), nil
}

// buildFakeOrFPE checks the style against the column and builds the transformer.
func buildFakeOrFPE(b *builder, shortest int, fake func(k *keyed, norm string, h [32]byte, maxLen int) string) (Transformer, error) {
	fpe := b.p.str("style") == "fpe"
	if b.col.Unique && !fpe {
		return nil, b.notUnique("with style: fake draws from a dictionary", "add `style: fpe`, which keeps values distinct")
	}
	if !fpe {
		if err := b.fitsLen(shortest, "the shortest value it writes"); err != nil {
			return nil, err
		}
	}
	return &fakeOrFPE{k: b.keyed(), fpe: fpe, tweak: []byte(b.d.name), maxLen: b.maxLen(), fake: fake}, nil
}

func buildFirstName(b *builder) (Transformer, error) {
	return buildFakeOrFPE(b, firstDict.shortest, func(_ *keyed, _ string, h [32]byte, ml int) string {
		return firstDict.pickFit(le64(h[:]), ml)
	})
}

func buildLastName(b *builder) (Transformer, error) {
	return buildFakeOrFPE(b, lastDict.shortest, func(_ *keyed, _ string, h [32]byte, ml int) string {
		return lastDict.pickFit(le64(h[:]), ml)
	})
}

func buildFullName(b *builder) (Transformer, error) {
	return buildFakeOrFPE(b, firstDict.shortest, func(_ *keyed, norm string, h [32]byte, ml int) string {
		words := max(1, min(len(strings.Fields(norm)), 4))
		parts := make([]string, 0, words)
		parts = append(parts, firstDict.pickFit(le64(h[0:]), 0))
		for i := 1; i < words-1; i++ {
			parts = append(parts, middleDict.pickFit(le64(h[8*i:]), 0))
		}
		if words > 1 {
			parts = append(parts, lastDict.pickFit(le64(h[24:]), 0))
		}
		return truncateRunes(strings.Join(parts, " "), ml)
	})
}

func buildUsername(b *builder) (Transformer, error) {
	return buildFakeOrFPE(b, 3, func(_ *keyed, norm string, h [32]byte, ml int) string {
		first := strings.ToLower(firstDict.pickFit(le64(h[0:]), 0))
		last := strings.ToLower(lastDict.pickFit(le64(h[8:]), 0))
		n := le64(h[16:]) % 1000
		var s string
		switch h[24] % 5 {
		case 0:
			s = first + last
		case 1:
			s = first + "." + last
		case 2:
			s = first[:1] + last
		case 3:
			s = first + "_" + last
		default:
			s = last + first[:1]
		}
		if h[25]%2 == 0 || strings.ContainsAny(norm, "0123456789") {
			s += itoa(int(n))
		}
		return truncateRunes(strings.ReplaceAll(s, " ", ""), ml)
	})
}

func le64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}
