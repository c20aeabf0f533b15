package mask

import (
	"strings"

	"github.com/brianvoe/gofakeit/v7/data"
)

var (
	cityDict       = newDict(dedupe(data.Address["city"]))
	streetNames    = dedupe(data.Address["street_name"])
	streetSuffix   = dedupe(data.Address["street_suffix"])
	streetPrefix   = dedupe(data.Address["street_prefix"])
	shortestStreet = len("1 ") + lastDict.shortest + len(" Way")
)

func buildStreet(b *builder) (Transformer, error) {
	return buildFakeOrFPE(b, shortestStreet, func(_ *keyed, norm string, h [32]byte, ml int) string {
		// Keep the number of digits of the house number when there is one.
		nd := 0
		for nd < len(norm) && norm[nd] >= '0' && norm[nd] <= '9' {
			nd++
		}
		if nd == 0 || nd > 6 {
			nd = 1 + int(h[0]%4)
		}
		num := 1 + le64(h[1:])%(pow10[nd]-1)
		var sb strings.Builder
		sb.WriteString(itoa(int(num)))
		sb.WriteByte(' ')
		if h[9]%4 == 0 {
			sb.WriteString(streetPrefix[pick(le64(h[10:]), len(streetPrefix))])
			sb.WriteByte(' ')
		}
		sb.WriteString(lastNames[pick(le64(h[18:]), len(lastNames))])
		if h[26]%2 == 0 {
			sb.WriteString(streetSuffix[int(h[27])%len(streetSuffix)])
		}
		sb.WriteByte(' ')
		sb.WriteString(streetNames[(int(h[28])<<8|int(h[29]))%len(streetNames)])
		return fitStreet(sb.String(), ml)
	})
}

// fitStreet shortens a street to n characters, dropping whole words first.
func fitStreet(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	for len(s) > n {
		i := strings.LastIndexByte(s, ' ')
		if i <= 0 {
			break
		}
		s = s[:i]
	}
	return truncateRunes(s, n)
}

type cityT struct {
	k      *keyed
	maxLen int
}

func buildCity(b *builder) (Transformer, error) {
	if err := b.fitsLen(cityDict.shortest, "the shortest city it writes"); err != nil {
		return nil, err
	}
	return &cityT{k: b.keyed(), maxLen: b.maxLen()}, nil
}

// Mask picks a city by the keyed hash of the normalized value.
func (t *cityT) Mask(v []byte) ([]byte, error) {
	tv := splitText(v)
	h := t.k.sum1([]byte(tv.norm))
	return tv.finish(cityDict.pickFit(le64(h[:]), t.maxLen)), nil
}

type postcodeT struct{ k *keyed }

func buildPostcode(b *builder) (Transformer, error) { return &postcodeT{k: b.keyed()}, nil }

// Mask enciphers a postal code in place: an all-digit code keeps a leading
// zero apart and its range (so it still fits an integer column); any other
// code has its letters and digits enciphered within their classes.
func (t *postcodeT) Mask(v []byte) ([]byte, error) {
	tv := splitText(v)
	if isDigits(tv.norm) {
		ds := []byte(tv.norm)
		t.k.permDigits(ds, nil)
		return tv.finish(string(ds)), nil
	}
	return tv.finish(t.k.fpeString(tv.norm, []byte("postcode"), maskAll)), nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
