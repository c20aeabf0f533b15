package mask

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/dbtwin/dbtwin"
)

type numberT struct {
	k              *keyed
	percent, delta float64
	hasMin, hasMax bool
	min, max       float64
	intBound       float64 // the column's integer range (0 = none)
	numLimit       float64 // numeric(p,s): |x| < numLimit (0 = none)
	numScale       int
}

func buildNumber(b *builder) (Transformer, error) {
	t := &numberT{k: b.keyed(), percent: b.p.float("percent"), delta: b.p.float("delta"),
		hasMin: b.p.has("min"), hasMax: b.p.has("max"), min: b.p.float("min"), max: b.p.float("max")}
	if t.percent < 0 || t.delta < 0 {
		return nil, b.errorf("percent and delta must not be negative")
	}
	if b.p.has("percent") && b.p.has("delta") {
		return nil, b.errorf("set percent or delta, not both")
	}
	if t.hasMin && t.hasMax && t.min > t.max {
		return nil, b.errorf("min (%v) is above max (%v)", t.min, t.max)
	}
	c := b.col.Column
	switch c.Kind {
	case dbtwin.KindInt:
		t.intBound = intTypeBound(c.Type)
	case dbtwin.KindNumeric:
		if c.Precision > 0 {
			t.numLimit = math.Pow(10, float64(c.Precision-c.Scale))
			t.numScale = c.Scale
		}
	}
	return t, nil
}

// intTypeBound returns the largest value of an integer column type.
func intTypeBound(typ string) float64 {
	t := strings.ToLower(typ)
	switch {
	case strings.Contains(t, "smallint"), strings.Contains(t, "int2"), strings.Contains(t, "smallserial"):
		return math.MaxInt16
	case strings.Contains(t, "bigint"), strings.Contains(t, "int8"), strings.Contains(t, "bigserial"):
		return math.MaxInt64
	case t == "integer", t == "int", t == "int4", t == "serial", strings.Contains(t, "int4"):
		return math.MaxInt32
	}
	return math.MaxInt64
}

// Mask adds keyed noise to a number, keeping its scale and the column's range.
func (t *numberT) Mask(v []byte) ([]byte, error) {
	tv := splitText(v)
	s := tv.core
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		if err == nil {
			return append([]byte(nil), v...), nil // NaN, Infinity
		}
		// Not a number (text column): encipher its digits instead of leaking them.
		return tv.finish(t.k.fpeString(tv.norm, []byte("nan"), maskDigits)), nil
	}
	exp := strings.ContainsAny(s, "eE")
	dot := strings.IndexByte(s, '.')
	isInt := dot < 0 && !exp
	h := t.k.sum1([]byte(tv.norm))
	r := 2*(float64(le64(h[:])>>11)/(1<<53)) - 1
	amt := t.delta
	if amt == 0 {
		amt = math.Abs(x) * t.percent / 100
	}
	if isInt && significantDigits(s) > 15 {
		return []byte(tv.lead + t.bigInt(s, r*amt) + tv.trail), nil
	}
	y := x + r*amt
	if isInt {
		y = math.Round(y)
	}
	y = t.clamp(x, y, isInt)
	var out string
	switch {
	case isInt && math.Abs(y) < 1<<53:
		out = strconv.FormatInt(int64(y), 10)
	case isInt:
		out = strconv.FormatFloat(y, 'f', 0, 64)
	case exp:
		out = strconv.FormatFloat(y, 'g', -1, 64)
	default:
		out = strconv.FormatFloat(y, 'f', len(s)-dot-1, 64)
	}
	return []byte(tv.lead + out + tv.trail), nil
}

func (t *numberT) clamp(x, y float64, isInt bool) float64 {
	if t.hasMin && y < t.min {
		y = t.min
		if isInt {
			y = math.Ceil(y)
		}
	}
	if t.hasMax && y > t.max {
		y = t.max
		if isInt {
			y = math.Floor(y)
		}
	}
	if b := t.intBound; b > 0 && x >= -b-1 && x <= b {
		b = math.Min(b, 9.2e18) // below 2^63 once rounded to a float64
		y = math.Max(-b-1, math.Min(b, y))
	}
	if l := t.numLimit; l > 0 && math.Abs(x) < l && math.Abs(y) >= l {
		top := l - math.Pow(10, -float64(t.numScale))
		y = math.Copysign(top, y)
	}
	return y
}

func significantDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// bigInt adds noise to an integer too long for a float64.
func (t *numberT) bigInt(s string, noise float64) string {
	x, ok := new(big.Int).SetString(strings.TrimPrefix(s, "+"), 10)
	if !ok {
		return s
	}
	n, _ := big.NewFloat(math.Round(noise)).Int(nil)
	y := new(big.Int).Add(x, n)
	if t.intBound > 0 {
		hi := big.NewInt(math.MaxInt64)
		if t.intBound < math.MaxInt64 {
			hi.SetInt64(int64(t.intBound))
		}
		lo := new(big.Int).Sub(new(big.Int).Neg(hi), big.NewInt(1))
		if x.Cmp(lo) >= 0 && x.Cmp(hi) <= 0 {
			if y.Cmp(hi) > 0 {
				y = hi
			} else if y.Cmp(lo) < 0 {
				y = lo
			}
		}
	}
	if t.hasMin || t.hasMax {
		f, _ := new(big.Float).SetInt(y).Float64()
		switch {
		case t.hasMin && f < t.min:
			y, _ = big.NewFloat(math.Ceil(t.min)).Int(nil)
		case t.hasMax && f > t.max:
			y, _ = big.NewFloat(math.Floor(t.max)).Int(nil)
		}
	}
	return y.String()
}
