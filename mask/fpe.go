package mask

import (
	"crypto/sha256"
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// This file holds the keyed bijections every uniqueness-preserving
// transformer is built from: FF1 over the characters of a value, class by
// class (digits stay digits, letters stay letters of the same script, every
// other character stays in place), FF1 over digit strings, and a permutation
// of any integer range by cycle walking.

// alphabet is one class of characters enciphered together.
type alphabet struct {
	lo, hi rune
	runes  []rune  // index -> rune
	index  []int32 // rune-lo -> index, -1 if not a member
}

func (a *alphabet) radix() uint32 { return uint32(len(a.runes)) }

func (a *alphabet) lookup(r rune) int {
	if r < a.lo || r > a.hi {
		return -1
	}
	return int(a.index[r-a.lo])
}

// Character classes. classDigit and classASCII come first: most values only
// hold those.
const (
	classDigit = iota
	classASCII
	classFirstScript // the first non-ASCII script class
)

var alphabets = buildAlphabets()

func buildAlphabets() []*alphabet {
	ranges := [][2]rune{
		{'0', '9'},
		{'a', 'z'},
		{0x00DF, 0x024F}, // Latin-1 Supplement and Latin Extended-A/B
		{0x0386, 0x03CE}, // Greek
		{0x0430, 0x045F}, // Cyrillic
		{0x05D0, 0x05EA}, // Hebrew
		{0x0621, 0x064A}, // Arabic
		{0x0905, 0x0939}, // Devanagari
		{0x0E01, 0x0E2E}, // Thai
		{0x3041, 0x3096}, // Hiragana
		{0x30A1, 0x30FA}, // Katakana
		{0xAC00, 0xD7A3}, // Hangul syllables
		{0x4E00, 0x9FFF}, // CJK unified ideographs
	}
	var out []*alphabet
	for i, rg := range ranges {
		a := &alphabet{lo: rg[0], hi: rg[1], index: make([]int32, rg[1]-rg[0]+1)}
		for r := rg[0]; r <= rg[1]; r++ {
			a.index[r-rg[0]] = -1
			ok := i == classDigit || unicode.IsLetter(r) && unicode.ToLower(r) == r &&
				unicode.ToLower(unicode.ToUpper(r)) == r
			if ok {
				a.index[r-rg[0]] = int32(len(a.runes))
				a.runes = append(a.runes, r)
			}
		}
		out = append(out, a)
	}
	return out
}

// classOf returns the class of r among those allowed by mask, or -1.
func classOf(r rune, mask uint32) int {
	switch {
	case r >= '0' && r <= '9':
		if mask&(1<<classDigit) != 0 {
			return classDigit
		}
		return -1
	case r >= 'a' && r <= 'z':
		if mask&(1<<classASCII) != 0 {
			return classASCII
		}
		return -1
	case r < utf8.RuneSelf:
		return -1
	}
	for c := classFirstScript; c < len(alphabets); c++ {
		if mask&(1<<c) != 0 && alphabets[c].lookup(r) >= 0 {
			return c
		}
	}
	return -1
}

// Class masks for fpeRunes.
const (
	maskDigits  = 1 << classDigit
	maskASCII   = 1 << classASCII
	maskScripts = ^uint32(0) &^ (maskDigits | maskASCII)
	maskLetters = maskASCII | maskScripts
	maskAll     = ^uint32(0)
)

// fpeString enciphers the characters of s (already lower-cased) that belong
// to the classes in mask; other characters stay where they are. The result
// has the same length in characters and in bytes. It is a bijection for a
// given tweak: each class is enciphered with FF1 under a tweak made of the
// caller's tweak, the value's layout (which positions hold which class, and
// the characters kept) and the current contents of the other classes, in
// class order (a Feistel network over classes, so it can be undone in
// reverse order).
func (k *keyed) fpeString(s string, tweak []byte, mask uint32) string {
	if isASCII(s) {
		return k.fpeASCII(s, tweak, mask)
	}
	type piece struct {
		r    rune
		w    int
		cls  int8
		from int
	}
	ps := make([]piece, 0, len(s))
	var present uint32
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		c := -1
		if r != utf8.RuneError || w > 1 {
			c = classOf(r, mask)
		}
		ps = append(ps, piece{r: r, w: w, cls: int8(c), from: i})
		if c >= 0 {
			present |= 1 << c
		}
		i += w
	}
	if present == 0 {
		return s
	}
	layout := make([]byte, 0, len(s)+len(tweak)+8)
	layout = append(layout, tweak...)
	layout = append(layout, 0xFE)
	nums := make([][]uint16, len(alphabets))
	for _, p := range ps {
		if p.cls < 0 {
			layout = append(layout, s[p.from:p.from+p.w]...) // kept as is, even invalid UTF-8
		} else {
			layout = append(layout, 0xFF, byte(p.cls))
			nums[p.cls] = append(nums[p.cls], uint16(alphabets[p.cls].lookup(p.r)))
		}
	}
	k.encipherClasses(nums, present, layout)
	pos := make([]int, len(alphabets))
	out := make([]byte, 0, len(s))
	for _, p := range ps {
		if p.cls < 0 {
			out = append(out, s[p.from:p.from+p.w]...)
			continue
		}
		out = utf8.AppendRune(out, alphabets[p.cls].runes[nums[p.cls][pos[p.cls]]])
		pos[p.cls]++
	}
	return string(out)
}

// fpeASCII is fpeString for ASCII input.
func (k *keyed) fpeASCII(s string, tweak []byte, mask uint32) string {
	var present uint32
	var nd, nl int
	var lbuf [96]byte
	layout := append(lbuf[:0], tweak...)
	layout = append(layout, 0xFE)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9' && mask&maskDigits != 0:
			nd++
			layout = append(layout, 0xFF, classDigit)
		case c >= 'a' && c <= 'z' && mask&maskASCII != 0:
			nl++
			layout = append(layout, 0xFF, classASCII)
		default:
			layout = append(layout, c)
		}
	}
	if nd > 0 {
		present |= maskDigits
	}
	if nl > 0 {
		present |= maskASCII
	}
	if present == 0 {
		return s
	}
	var dbuf, lb [48]uint16
	nums := [][]uint16{dbuf[:0], lb[:0]}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9' && mask&maskDigits != 0:
			nums[classDigit] = append(nums[classDigit], uint16(c-'0'))
		case c >= 'a' && c <= 'z' && mask&maskASCII != 0:
			nums[classASCII] = append(nums[classASCII], uint16(c-'a'))
		}
	}
	k.encipherClasses(nums, present, layout)
	out := []byte(s)
	var di, li int
	for i := range out {
		c := out[i]
		switch {
		case c >= '0' && c <= '9' && mask&maskDigits != 0:
			out[i] = '0' + byte(nums[classDigit][di])
			di++
		case c >= 'a' && c <= 'z' && mask&maskASCII != 0:
			out[i] = 'a' + byte(nums[classASCII][li])
			li++
		}
	}
	return string(out)
}

// encipherClasses runs the class-by-class Feistel network over nums.
func (k *keyed) encipherClasses(nums [][]uint16, present uint32, layout []byte) {
	single := bits.OnesCount32(present) == 1
	var tbuf [160]byte
	for c := 0; c < len(nums); c++ {
		if present&(1<<c) == 0 {
			continue
		}
		tw := append(tbuf[:0], layout...)
		tw = append(tw, 0xFE, byte(c))
		if !single {
			for o := 0; o < len(nums); o++ {
				if o == c || present&(1<<o) == 0 {
					continue
				}
				tw = append(tw, 0xFD, byte(o))
				for _, d := range nums[o] {
					tw = append(tw, byte(d>>8), byte(d))
				}
			}
		}
		k.permNumerals(alphabets[c].radix(), tw, nums[c])
	}
}

// fpeChunk bounds the numerals one FF1 call enciphers: longer strings are
// enciphered in chunks, in two chained passes (forward, then backward), so
// every output chunk depends on every input chunk and the cost stays linear.
const fpeChunk = 128

// permNumerals enciphers a numeral string of any length >= 1 in place.
func (k *keyed) permNumerals(radix uint32, tweak []byte, x []uint16) {
	tweak = compressTweak(tweak)
	switch n := len(x); {
	case n == 0:
	case n == 1:
		x[0] = uint16(k.rangePerm(tweak, uint64(radix), uint64(x[0])))
	case n <= 2*fpeChunk:
		_ = k.ff.encrypt(radix, tweak, x) // cannot fail: len >= 2, digits < radix
	default:
		tw := make([]byte, 0, len(tweak)+6+2*fpeChunk)
		chunk := func(i int) []uint16 { return x[i*fpeChunk : min(n, (i+1)*fpeChunk)] }
		chunks := (n + fpeChunk - 1) / fpeChunk
		var link []uint16
		for pass, dir := range []byte{'F', 'B'} {
			link = nil
			for j := range chunks {
				i := j
				if pass == 1 {
					i = chunks - 1 - j
				}
				tw = append(tw[:0], tweak...)
				tw = append(tw, 0xFC, dir, byte(i>>24), byte(i>>16), byte(i>>8), byte(i))
				for _, d := range link {
					tw = append(tw, byte(d>>8), byte(d))
				}
				c := chunk(i)
				if len(c) == 1 {
					c[0] = uint16(k.rangePerm(tw, uint64(radix), uint64(c[0])))
				} else {
					_ = k.ff.encrypt(radix, tw, c)
				}
				link = c
			}
		}
	}
}

// compressTweak replaces a long tweak by its SHA-256, so a long value does
// not make every FF1 call walk a long tweak.
func compressTweak(tw []byte) []byte {
	if len(tw) <= 96 {
		return tw
	}
	h := sha256.Sum256(tw)
	return h[:]
}

// rangePerm is a keyed permutation of [0, n) (n < 2^63): FF1 over the bits of
// x, walked until the result falls back into the range (fewer than two steps
// on average).
func (k *keyed) rangePerm(tweak []byte, n, x uint64) uint64 {
	if n <= 1 || x >= n {
		return x
	}
	nb := max(2, bits.Len64(n-1))
	u := nb / 2
	v := nb - u
	mask := uint64(1)<<v - 1
	for {
		a, b := k.ff.permute64(2, nb, tweak, x>>v, x&mask, false)
		x = a<<v | b
		if x < n {
			return x
		}
	}
}

// intBounds are the largest values of 2-, 4- and 8-byte signed integers by
// their number of digits: digit strings of those lengths are permuted within
// [10^(n-1), bound], {bound+1} and (bound+1, 10^n) separately, so a value
// that fits an integer column still fits after masking, whatever column (or
// table) it is masked in.
var intBounds = map[int]uint64{5: 32767, 10: 2147483647, 19: 9223372036854775807}

var pow10 = func() [20]uint64 {
	var p [20]uint64
	p[0] = 1
	for i := 1; i < 20; i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// permDigits enciphers a string of ASCII digits in place. Leading zeros are
// kept apart: a string starting with 0 keeps its first 0 and the rest is
// enciphered freely; any other string gets a non-zero first digit back (so
// integers stay integers of the same length), and lengths 5, 10 and 19 keep
// within the ranges of 2-, 4- and 8-byte integers.
func (k *keyed) permDigits(ds []byte, tweak []byte) {
	n := len(ds)
	if n == 0 {
		return
	}
	if ds[0] == '0' {
		k.permFreeDigits(ds[1:], append(tweak[:len(tweak):len(tweak)], '0'))
		return
	}
	if n <= 19 {
		var x uint64
		for _, c := range ds {
			x = x*10 + uint64(c-'0')
		}
		lo := pow10[n-1]
		if bound, ok := intBounds[n]; ok {
			tw := tweak[:len(tweak):len(tweak)]
			switch {
			case x <= bound:
				x = lo + k.rangePerm(append(tw, 'l'), bound-lo+1, x-lo)
			case x == bound+1:
			default:
				var hi uint64 = 9999999999999999999
				if n < 19 {
					hi = pow10[n] - 1
				}
				x = bound + 2 + k.rangePerm(append(tw, 'h'), hi-bound-1, x-bound-2)
			}
			putDigits(ds, x)
			return
		}
		if n == 1 {
			putDigits(ds, 1+k.rangePerm(tweak, 9, x-1))
			return
		}
	}
	var buf [40]uint16
	nums := buf[:0]
	for _, c := range ds {
		nums = append(nums, uint16(c-'0'))
	}
	for {
		k.permNumerals(10, tweak, nums)
		if nums[0] != 0 {
			break
		}
	}
	for i, d := range nums {
		ds[i] = '0' + byte(d)
	}
}

// permFreeDigits enciphers ASCII digits in place, leading zeros allowed.
func (k *keyed) permFreeDigits(ds []byte, tweak []byte) {
	var buf [40]uint16
	nums := buf[:0]
	for _, c := range ds {
		nums = append(nums, uint16(c-'0'))
	}
	k.permNumerals(10, tweak, nums)
	for i, d := range nums {
		ds[i] = '0' + byte(d)
	}
}

func putDigits(ds []byte, x uint64) {
	for i := len(ds) - 1; i >= 0; i-- {
		ds[i] = '0' + byte(x%10)
		x /= 10
	}
}
