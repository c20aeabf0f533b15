package mask

import (
	"encoding/binary"
	"strings"
)

// dateT moves dates by a keyed number of days. The timeline is cut into
// blocks (windows of max_days+1 days, calendar years, or age bands) and the
// days of each block are permuted by a keyed permutation: a date moves by at
// most the block's size, never leaves its block, and two different dates
// never land on the same day, so the transformer keeps unique keys unique.
// The time of day, the zone and the layout are kept.
type dateT struct {
	k        *keyed
	window   int64 // block size in days, 0 = the whole outer block
	keepYear bool
	band     int64 // age band in years, 0 = none
	dayFirst bool
}

func buildDate(b *builder) (Transformer, error) {
	t := &dateT{k: b.keyed(), keepYear: b.p.bool("keep_year"), band: int64(b.p.int("age_band")),
		dayFirst: b.p.bool("day_first")}
	maxDays := b.p.int("max_days")
	if maxDays < 0 || t.band < 0 {
		return nil, b.errorf("max_days and age_band must not be negative")
	}
	if t.keepYear && t.band > 0 {
		return nil, b.errorf("keep_year and age_band contradict each other; set one of them")
	}
	if (t.keepYear || t.band > 0) && !b.p.has("max_days") {
		t.window = 0
	} else {
		t.window = int64(maxDays) + 1
	}
	return t, nil
}

// dateParts is a parsed date at the start of a value.
type dateParts struct {
	y, m, d    int64
	order      string // "ymd", "dmy" or "mdy"
	sep        byte
	yw, mw, dw int // field widths
	rest       string
	neg        bool
}

// Mask moves the date at the start of v within its block; text that is not
// a date is enciphered instead.
func (t *dateT) Mask(v []byte) ([]byte, error) {
	tv := splitText(v)
	switch tv.norm {
	case "infinity", "-infinity", "+infinity":
		return append([]byte(nil), v...), nil
	}
	p, ok := parseDate(tv.core, t.dayFirst)
	if !ok {
		return tv.finish(t.k.fpeString(tv.norm, []byte("not-date"), maskAll)), nil
	}
	day := daysFromCivil(p.y, p.m, p.d)
	lo, hi := t.block(p.y, day)
	var tw [8]byte
	binary.BigEndian.PutUint64(tw[:], uint64(lo))
	nd := lo + int64(t.k.rangePerm(tw[:], uint64(hi-lo), uint64(day-lo)))
	p.y, p.m, p.d = civilFromDays(nd)
	return []byte(tv.lead + p.format() + tv.trail), nil
}

// block returns the block [lo, hi) of days that day belongs to.
func (t *dateT) block(year, day int64) (int64, int64) {
	const far = int64(1) << 40
	lo, hi := -far, far
	switch {
	case t.band > 0:
		start := floorDiv(year, t.band) * t.band
		lo, hi = daysFromCivil(start, 1, 1), daysFromCivil(start+t.band, 1, 1)
	case t.keepYear:
		lo, hi = daysFromCivil(year, 1, 1), daysFromCivil(year+1, 1, 1)
	}
	if t.window > 0 {
		base := int64(0)
		if lo != -far {
			base = lo
		}
		s := base + floorDiv(day-base, t.window)*t.window
		lo, hi = max(lo, s), min(hi, s+t.window)
	}
	// Blocks never straddle 0000-01-01 or 10000-01-01: years keep their sign
	// and four-digit years keep four digits.
	for _, edge := range [...]int64{yearZero, yearTenThousand} {
		if lo < edge && edge < hi {
			if day < edge {
				hi = edge
			} else {
				lo = edge
			}
		}
	}
	return lo, hi
}

var (
	yearZero        = daysFromCivil(0, 1, 1)
	yearTenThousand = daysFromCivil(10000, 1, 1)
)

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// parseDate reads a date at the start of s: Y-M-D (also with / or .),
// D.M.Y, M/D/Y or D/M/Y (day first when the first number is above 12 or
// dayFirst is set), followed by nothing, or by a time after 'T' or a space.
func parseDate(s string, dayFirst bool) (dateParts, bool) {
	var p dateParts
	if strings.HasPrefix(s, "-") { // PostgreSQL never prints this; ISO extended years do
		p.neg = true
		s = s[1:]
	}
	n1, w1, s1 := num(s)
	if w1 == 0 || len(s1) == 0 {
		return p, false
	}
	sep := s1[0]
	if sep != '-' && sep != '/' && sep != '.' {
		return p, false
	}
	n2, w2, s2 := num(s1[1:])
	if w2 == 0 || w2 > 2 || len(s2) == 0 || s2[0] != sep {
		return p, false
	}
	n3, w3, rest := num(s2[1:])
	if w3 == 0 {
		return p, false
	}
	p.sep, p.rest = sep, rest
	switch {
	case w1 >= 4 && w3 <= 2:
		p.order, p.y, p.m, p.d, p.yw, p.mw, p.dw = "ymd", n1, n2, n3, w1, w2, w3
	case w1 <= 2 && w3 >= 4 && sep == '/' && !dayFirst && n1 <= 12:
		p.order, p.m, p.d, p.y, p.mw, p.dw, p.yw = "mdy", n1, n2, n3, w1, w2, w3
	case w1 <= 2 && w3 >= 4:
		p.order, p.d, p.m, p.y, p.dw, p.mw, p.yw = "dmy", n1, n2, n3, w1, w2, w3
	default:
		return p, false
	}
	if p.neg {
		if p.order != "ymd" {
			return p, false
		}
		p.y = -p.y
	}
	if p.m < 1 || p.m > 12 || p.d < 1 || p.d > daysIn(p.y, p.m) {
		return p, false
	}
	if rest != "" && rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ' {
		return p, false
	}
	return p, true
}

// num reads up to 9 leading digits.
func num(s string) (n int64, width int, rest string) {
	for width < len(s) && width < 9 && s[width] >= '0' && s[width] <= '9' {
		n = n*10 + int64(s[width]-'0')
		width++
	}
	return n, width, s[width:]
}

func (p dateParts) format() string {
	var b []byte
	y := p.y
	if y < 0 {
		b = append(b, '-')
		y = -y
	}
	field := func(n int64, w int) { b = appendPadded(b, n, w) }
	switch p.order {
	case "ymd":
		field(y, p.yw)
		b = append(b, p.sep)
		field(p.m, p.mw)
		b = append(b, p.sep)
		field(p.d, p.dw)
	case "dmy":
		field(p.d, p.dw)
		b = append(b, p.sep)
		field(p.m, p.mw)
		b = append(b, p.sep)
		field(y, p.yw)
	default:
		field(p.m, p.mw)
		b = append(b, p.sep)
		field(p.d, p.dw)
		b = append(b, p.sep)
		field(y, p.yw)
	}
	return string(b) + p.rest
}

func appendPadded(b []byte, n int64, w int) []byte {
	s := itoa(int(n))
	for i := len(s); i < w; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the number of days since 1970-01-01 of a proleptic
// Gregorian date (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}
