package textutil

import "testing"

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"email", "email", 0}, {"emial", "email", 1}, {"mask", "msak", 1}, {"percent", "precent", 1}, {"kitten", "sitting", 3}} {
		if d := EditDistance(c.a, c.b); d != c.d {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, d, c.d)
		}
	}
}

func TestClosest(t *testing.T) {
	cands := []string{"public.customer", "public.users", "email", "first_name"}
	for in, want := range map[string]string{"customers": "public.customer", "emial": "email", "Email": "email",
		"first": "first_name", "zzz": "", "usrs": "public.users"} {
		if got := Closest(in, cands); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -5: "-5"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
