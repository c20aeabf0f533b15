package subset

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"testing"
)

func TestCanonicalInt(t *testing.T) {
	good := []int64{0, 1, -1, 42, math.MaxInt64, math.MinInt64, 1 << 40}
	for _, v := range good {
		s := strconv.FormatInt(v, 10)
		got, ok := canonicalInt([]byte(s))
		if !ok || got != v {
			t.Errorf("canonicalInt(%q) = %d, %v; want %d, true", s, got, ok, v)
		}
	}
	bad := []string{"", "-", "01", "-0", "+1", " 1", "1 ", "1.0", "1e3", "9223372036854775808",
		"-9223372036854775809", "99999999999999999999", "abc", "0x10"}
	for _, s := range bad {
		if v, ok := canonicalInt([]byte(s)); ok {
			t.Errorf("canonicalInt(%q) = %d, true; want not canonical", s, v)
		}
	}
}

func TestTupleRoundTripAndHash(t *testing.T) {
	cases := [][][]byte{
		{[]byte("a"), nil, []byte("")},
		{nil},
		{[]byte("x\x00y"), []byte(string(make([]byte, 300)))},
	}
	for _, c := range cases {
		enc := appendTuple(nil, c)
		dec, err := decodeTuple(enc, len(c))
		if err != nil {
			t.Fatal(err)
		}
		for i := range c {
			if (c[i] == nil) != (dec[i] == nil) || !bytes.Equal(c[i], dec[i]) {
				t.Errorf("field %d: got %q want %q", i, dec[i], c[i])
			}
		}
		if hashTuple(7, c) != hashBytes(7, enc) {
			t.Errorf("hashTuple and hashBytes disagree for %q", c)
		}
	}
	// NULL, empty and the field boundaries are all distinguished.
	distinct := [][][]byte{{nil}, {[]byte("")}, {[]byte("ab"), []byte("c")}, {[]byte("a"), []byte("bc")}}
	seen := map[uint64]bool{}
	for _, c := range distinct {
		h := hashTuple(keySeed, c)
		if seen[h] {
			t.Errorf("hash collision for %q", c)
		}
		seen[h] = true
	}
	if _, err := decodeTuple([]byte{1, 5, 'a'}, 1); err == nil {
		t.Error("decodeTuple accepted a truncated tuple")
	}
}

func TestKeySet(t *testing.T) {
	b := &budget{max: 1 << 40}
	k := newKeySet(b)
	f := func(s ...string) [][]byte {
		out := make([][]byte, len(s))
		for i, x := range s {
			out[i] = []byte(x)
		}
		return out
	}
	for i := -500; i < 20000; i++ {
		if !k.add(f(strconv.Itoa(i))) {
			t.Fatalf("add %d: not new", i)
		}
	}
	if k.add(f("7")) {
		t.Error("7 added twice")
	}
	// Non-canonical integers are other keys, kept apart from the bitmap.
	if !k.add(f("007")) || k.has(f("08")) || !k.has(f("007")) {
		t.Error("non-canonical integer text mishandled")
	}
	for i := 0; i < 5000; i++ {
		if !k.add(f("user", fmt.Sprint(i))) {
			t.Fatalf("composite %d not new", i)
		}
	}
	for i := 0; i < 5000; i++ {
		if !k.has(f("user", fmt.Sprint(i))) || k.has(f("user", fmt.Sprint(i+5000))) {
			t.Fatalf("composite membership wrong at %d", i)
		}
	}
	if !k.has(f("-500")) || k.has(f("20000")) {
		t.Error("integer membership wrong")
	}
	if got, want := k.len(), int64(20500+1+5000); got != want || b.used != want {
		t.Errorf("len = %d, budget used = %d; want %d", got, b.used, want)
	}
	k.free()
	if b.used != 0 || k.has(f("1")) {
		t.Error("free did not empty the set and the budget")
	}
}

func TestBudgetError(t *testing.T) {
	b := &budget{max: 3}
	k := newKeySet(b)
	for i := 0; i < 3; i++ {
		k.add([][]byte{[]byte(strconv.Itoa(i))})
	}
	if err := b.check("t"); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	k.add([][]byte{[]byte("x")})
	if err := b.check("public.t"); err == nil || !bytes.Contains([]byte(err.Error()), []byte("public.t")) {
		t.Fatalf("over the limit: %v", err)
	}
}

func TestHashSetGrowth(t *testing.T) {
	var s hashSet
	for i := uint64(1); i < 100000; i++ {
		if !s.add(mix64(i)) {
			t.Fatalf("%d not new", i)
		}
	}
	for i := uint64(1); i < 100000; i++ {
		if !s.has(mix64(i)) || s.has(mix64(i+100000)) {
			t.Fatalf("membership wrong at %d", i)
		}
	}
	if !s.add(0) || !s.has(0) {
		t.Error("hash 0 not stored")
	}
}

func TestPctThreshold(t *testing.T) {
	if _, all := pctThreshold(100); !all {
		t.Error("100% is not all")
	}
	thr, _ := pctThreshold(10)
	n := 0
	for i := 0; i < 100000; i++ {
		if hashTuple(seedOf("t"), [][]byte{[]byte(strconv.Itoa(i))}) < thr {
			n++
		}
	}
	if n < 9000 || n > 11000 {
		t.Errorf("10%% of 100000 keys sampled %d", n)
	}
}
