package mask

import "testing"

func TestOutputValues(t *testing.T) {
	if n := OutputValues("last_name", nil); n < 100 || n > 5000 {
		t.Fatalf("last_name fake writes %d values", n)
	}
	if n := OutputValues("last_name", map[string]any{"style": "fpe"}); n != 0 {
		t.Fatalf("last_name fpe is bounded by %d", n)
	}
	if n := OutputValues("email", nil); n != 0 {
		t.Fatalf("email is bounded by %d", n)
	}
	// 200 draws from 470 values show ~163 distinct; from a million, ~200.
	if e := SampleDistinctExpected(470, 200); e < 150 || e > 175 {
		t.Fatalf("expected %v", e)
	}
	if e := SampleDistinctExpected(1_000_000, 200); e < 199.9 {
		t.Fatalf("expected %v", e)
	}
}
