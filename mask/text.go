package mask

import (
	"encoding/hex"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/brianvoe/gofakeit/v7/data"
)

// text, hash and partial.

// wordsByLen holds dictionary words (lower-case ASCII letters only) by length.
var wordsByLen = func() [][]string {
	seen := map[string]bool{}
	var all []string
	add := func(list []string) {
		for _, w := range list {
			if w != "" && !seen[w] && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == "" {
				seen[w] = true
				all = append(all, w)
			}
		}
	}
	add(data.Lorem["word"])
	keys := make([]string, 0, len(data.Word))
	for k := range data.Word {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add(data.Word[k])
	}
	var out [][]string
	for _, w := range all {
		for len(out) <= len(w) {
			out = append(out, nil)
		}
		out[len(w)] = append(out[len(w)], w)
	}
	return out
}()

type textT struct{ k *keyed }

func buildText(b *builder) (Transformer, error) { return &textT{k: b.keyed()}, nil }

// Mask replaces every run of letters with a dictionary word (or letters) of
// the same length and never the original word, every run of digits with
// digits, and keeps everything else (spaces, punctuation) in place, with the
// original's case per character.
func (t *textT) Mask(v []byte) ([]byte, error) {
	s := string(v)
	st := newStream(t.k, t.k.sum1(Normalize(NormText, v)))
	out := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsLetter(r):
			j := i
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r2) {
					break
				}
				j += w2
			}
			orig := s[i:j]
			out = appendCase(out, orig, fakeWord(st, lower(orig), utf8.RuneCountInString(orig)))
			i = j
		case r >= '0' && r <= '9':
			out = append(out, byte('0'+st.intn(10)))
			i += w
		default:
			out = append(out, s[i:i+w]...)
			i += w
		}
	}
	return out, nil
}

// fakeWord returns n lower-case letters: a dictionary word (or several run
// together) of that length, never equal to orig.
func fakeWord(st *stream, orig string, n int) string {
	var b strings.Builder
	for b.Len() < n {
		need := n - b.Len()
		l := need
		if l >= len(wordsByLen) || len(wordsByLen[l]) == 0 {
			l = min(need, len(wordsByLen)-1)
			for l > 1 && len(wordsByLen[l]) == 0 {
				l--
			}
		}
		if l >= 2 && len(wordsByLen[l]) > 0 {
			b.WriteString(wordsByLen[l][st.intn(len(wordsByLen[l]))])
		} else {
			b.WriteByte(byte('a' + st.intn(26)))
		}
	}
	w := b.String()
	if w == orig {
		bs := []byte(w)
		bs[0] = 'a' + (bs[0]-'a'+1+byte(st.intn(25)))%26
		w = string(bs)
	}
	return w
}

type hashT struct {
	k         *keyed
	length    int
	normalize bool
}

func buildHash(b *builder) (Transformer, error) {
	t := &hashT{k: b.keyed(), length: b.p.int("length"), normalize: b.p.bool("normalize")}
	if t.length < 1 || t.length > 64 {
		return nil, b.errorf("length must be between 1 and 64 hex digits, got %d", t.length)
	}
	if b.col.Unique && t.length < 32 {
		return nil, b.notUnique("with fewer than 32 hex digits keeps too few bits to rule out collisions", "use length: 32 or more")
	}
	if b.col.Unique && t.normalize {
		return nil, b.notUnique("with normalize: true gives values that differ only in case or surrounding space the same digest",
			"set normalize: false")
	}
	if err := b.fitsLen(t.length, "its digest"); err != nil {
		return nil, err
	}
	return t, nil
}

// Mask returns the first length hex digits of the keyed digest.
func (t *hashT) Mask(v []byte) ([]byte, error) {
	in := v
	if t.normalize {
		in = Normalize(NormText, v)
	}
	h := t.k.sum1(in)
	var buf [64]byte
	hex.Encode(buf[:], h[:])
	return append([]byte(nil), buf[:t.length]...), nil
}

type partialT struct {
	first, last int
	char        rune
}

func buildPartial(b *builder) (Transformer, error) {
	t := &partialT{first: b.p.int("keep_first"), last: b.p.int("keep_last")}
	if t.first < 0 || t.last < 0 {
		return nil, b.errorf("keep_first and keep_last must not be negative")
	}
	c := b.p.str("char")
	if utf8.RuneCountInString(c) != 1 {
		return nil, b.errorf("char must be exactly one character, got %q", c)
	}
	t.char, _ = utf8.DecodeRuneInString(c)
	return t, nil
}

// Mask keeps the first and last characters and replaces every letter and
// digit in between with the mask character (separators stay). A value too
// short to keep anything hidden is masked entirely.
func (t *partialT) Mask(v []byte) ([]byte, error) {
	rs := []rune(string(v))
	n := len(rs)
	lo, hi := t.first, n-t.last
	if lo >= hi {
		lo, hi = 0, n
	}
	for i := lo; i < hi; i++ {
		if unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]) {
			rs[i] = t.char
		}
	}
	return []byte(string(rs)), nil
}
