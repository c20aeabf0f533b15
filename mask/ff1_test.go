package mask

import (
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

const b36 = "0123456789abcdefghijklmnopqrstuvwxyz"

func toNumerals(s string) []uint16 {
	out := make([]uint16, len(s))
	for i := range s {
		out[i] = uint16(strings.IndexByte(b36, s[i]))
	}
	return out
}

func fromNumerals(x []uint16) string {
	var sb strings.Builder
	for _, d := range x {
		sb.WriteByte(b36[d])
	}
	return sb.String()
}

// TestFF1NISTVectors checks the nine FF1 samples of NIST SP 800-38G
// (AES-128/192/256; radix 10 and 36; with and without tweak).
func TestFF1NISTVectors(t *testing.T) {
	const (
		k128 = "2B7E151628AED2A6ABF7158809CF4F3C"
		k192 = k128 + "EF4359D8D580AA4F"
		k256 = k192 + "7F036D6F04FC6A94"
		t1   = "39383736353433323130"
		t2   = "3737373770717273373737"
	)
	cases := []struct {
		key, tweak string
		radix      uint32
		pt, ct     string
	}{
		{k128, "", 10, "0123456789", "2433477484"},
		{k128, t1, 10, "0123456789", "6124200773"},
		{k128, t2, 36, "0123456789abcdefghi", "a9tv40mll9kdu509eum"},
		{k192, "", 10, "0123456789", "2830668132"},
		{k192, t1, 10, "0123456789", "2496655549"},
		{k192, t2, 36, "0123456789abcdefghi", "xbj3kv35jrawxv32ysr"},
		{k256, "", 10, "0123456789", "6657667009"},
		{k256, t1, 10, "0123456789", "1001623463"},
		{k256, t2, 36, "0123456789abcdefghi", "xs8a0azh2avyalyzuwd"},
	}
	for i, c := range cases {
		key, _ := hex.DecodeString(c.key)
		tweak, _ := hex.DecodeString(c.tweak)
		f, err := newFF1(key)
		if err != nil {
			t.Fatal(err)
		}
		for _, big := range []bool{false, true} {
			x := toNumerals(c.pt)
			if big {
				f.roundsBig(c.radix, tweak, x, false)
			} else if err := f.encrypt(c.radix, tweak, x); err != nil {
				t.Fatal(err)
			}
			if got := fromNumerals(x); got != c.ct {
				t.Errorf("sample %d (big=%v): encrypt = %s, want %s", i+1, big, got, c.ct)
			}
			if big {
				f.roundsBig(c.radix, tweak, x, true)
			} else if err := f.decrypt(c.radix, tweak, x); err != nil {
				t.Fatal(err)
			}
			if got := fromNumerals(x); got != c.pt {
				t.Errorf("sample %d (big=%v): decrypt = %s, want %s", i+1, big, got, c.pt)
			}
		}
	}
}

// TestFF1BigMatchesFast checks that the math/big rounds and the 64-bit
// rounds agree, and that long values (big path only) round-trip.
func TestFF1BigMatchesFast(t *testing.T) {
	f, _ := newFF1(make([]byte, 32))
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		radix := []uint32{2, 10, 16, 26, 36, 1000, 65536}[rng.IntN(7)]
		n := 2 + rng.IntN(12)
		if radix == 2 {
			n = 2 + rng.IntN(120)
		}
		tweak := make([]byte, rng.IntN(140))
		for i := range tweak {
			tweak[i] = byte(rng.Uint32())
		}
		x := make([]uint16, n)
		for i := range x {
			x[i] = uint16(rng.Uint32N(radix))
		}
		a, b := slices.Clone(x), slices.Clone(x)
		if err := f.encrypt(radix, tweak, a); err != nil {
			t.Fatal(err)
		}
		f.roundsBig(radix, tweak, b, false)
		if !slices.Equal(a, b) {
			t.Fatalf("radix %d n %d: fast %v != big %v", radix, n, a, b)
		}
		if err := f.decrypt(radix, tweak, a); err != nil || !slices.Equal(a, x) {
			t.Fatalf("radix %d n %d: decrypt did not restore the plaintext", radix, n)
		}
	}
	// Long values use the big path; they must still be permutations.
	for _, n := range []int{40, 77, 200} {
		x := make([]uint16, n)
		for i := range x {
			x[i] = uint16(rng.IntN(10))
		}
		y := slices.Clone(x)
		if err := f.encrypt(10, []byte("t"), y); err != nil {
			t.Fatal(err)
		}
		if slices.Equal(x, y) {
			t.Fatalf("n=%d: ciphertext equals plaintext", n)
		}
		if err := f.decrypt(10, []byte("t"), y); err != nil || !slices.Equal(x, y) {
			t.Fatalf("n=%d: round trip failed", n)
		}
	}
}

func TestFF1RejectsBadInput(t *testing.T) {
	f, _ := newFF1(make([]byte, 16))
	if err := f.encrypt(10, nil, []uint16{1}); err == nil {
		t.Error("one-digit input accepted")
	}
	if err := f.encrypt(10, nil, []uint16{1, 10}); err == nil {
		t.Error("digit above radix accepted")
	}
	if err := f.encrypt(1, nil, []uint16{0, 0}); err == nil {
		t.Error("radix 1 accepted")
	}
	if _, err := newFF1(make([]byte, 5)); err == nil {
		t.Error("5-byte key accepted")
	}
}
