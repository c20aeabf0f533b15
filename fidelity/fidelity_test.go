package fidelity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

func TestColumnSketchCounts(t *testing.T) {
	s := NewColumnSketch()
	for i := range 100_000 {
		switch {
		case i%10 == 0:
			s.Add(nil)
		case i%25 == 1:
			s.Add([]byte{})
		default:
			s.Add([]byte("value-" + strconv.Itoa(i%50_000)))
		}
	}
	if s.Rows != 100_000 || s.Nulls != 10_000 || s.Empty != 4_000 {
		t.Fatalf("rows %d nulls %d empty %d", s.Rows, s.Nulls, s.Empty)
	}
	// 50,000 possible values, about 45,000 of them non-NULL non-empty here
	// plus the empty string: HyperLogLog within 2%.
	exact := map[string]bool{}
	for i := range 100_000 {
		if i%10 != 0 && i%25 != 1 {
			exact["value-"+strconv.Itoa(i%50_000)] = true
		}
	}
	want := float64(len(exact) + 1)
	if got := float64(s.Distinct()); math.Abs(got-want)/want > 0.02 {
		t.Fatalf("distinct %v, want %v ± 2%%", got, want)
	}
	if q := s.LengthQuantile(0.5); q != 15 {
		t.Fatalf("median length bucket %d, want 15 (values of 7-11 bytes)", q)
	}
}

func TestMergeEqualsOneSketch(t *testing.T) {
	one, a, b := NewColumnSketch(), NewColumnSketch(), NewColumnSketch()
	for i := range 20_000 {
		v := []byte(strconv.Itoa(i * 7))
		one.Add(v)
		if i%2 == 0 {
			a.Add(v)
		} else {
			b.Add(v)
		}
	}
	a.Merge(b)
	if a.Rows != one.Rows || a.LengthSum != one.LengthSum || a.Distinct() != one.Distinct() {
		t.Fatalf("merged %+v / %d, one %+v / %d", a.Rows, a.Distinct(), one.Rows, one.Distinct())
	}
}

func TestExpectedDistinctScalesForSubsets(t *testing.T) {
	cases := []struct {
		d, n, sample int64
		want         float64
	}{
		{1_000_000, 1_000_000, 100_000, 100_000}, // unique column: every sampled row distinct
		{50, 1_000_000, 100_000, 50},             // low cardinality: every value still there
		{1_000_000, 1_000_000, 1_000_000, 1_000_000},
	}
	for _, c := range cases {
		got := ExpectedDistinct(c.d, c.n, c.sample)
		if math.Abs(got-c.want)/c.want > 0.01 {
			t.Errorf("ExpectedDistinct(%d, %d, %d) = %v, want %v", c.d, c.n, c.sample, got, c.want)
		}
	}
	// 94% distinct (the incident's last names): most values occur once, so a
	// 10% sample rarely draws both copies of a repeated one: ~99.7% distinct.
	got := ExpectedDistinct(940_000, 1_000_000, 100_000) / 100_000
	if got < 0.99 || got > 1 {
		t.Errorf("94%%-distinct column sampled at 10%%: expected ratio %v", got)
	}
}

// A dictionary rule that maps a 94%-distinct column onto 500 names is the
// issue's example: the comparison must flag it, farthest first.
func TestCollapsingRuleIsFlagged(t *testing.T) {
	prod, twin, fine := NewColumnSketch(), NewColumnSketch(), NewColumnSketch()
	for i := range 200_000 {
		v := []byte(fmt.Sprintf("Souza %05x", i))
		prod.Add(v)
		twin.Add([]byte(fmt.Sprintf("Name%d", i%500)))
		fine.Add([]byte(fmt.Sprintf("Qbwmt %05x", i)))
	}
	tol := DefaultTolerances()
	r := &Report{Columns: []Column{
		CompareColumn("public.users", "city", "city", prod, fine, tol),
		CompareColumn("public.users", "last_name", "last_name (style fake)", prod, twin, tol),
	}}
	r.Sort()
	if r.OK() || r.Outside != 1 || r.Columns[0].Column != "last_name" {
		t.Fatalf("report %+v", r)
	}
	p := r.Problems(0)
	if len(p) == 0 || !strings.Contains(p[0], "public.users.last_name (rule last_name (style fake)): distinct ratio") || !strings.Contains(p[0], "×") {
		t.Fatalf("problems %q", p)
	}
	for _, line := range p {
		if strings.Contains(line, "Souza") || strings.Contains(line, "Name1") {
			t.Fatalf("a value reached the report: %q", line)
		}
	}
}

func TestRelationStatistics(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	parents, children := NewKeySample(), NewKeySample()
	const users = 100_000
	for u := range users {
		h, _ := HashKey([]byte(strconv.Itoa(u)))
		parents.AddHash(h)
	}
	// 20% of the users have 1-9 children; 2,000 children point nowhere.
	for u := range users {
		if u%5 != 0 {
			continue
		}
		n := 1 + rng.IntN(9)
		for range n {
			h, _ := HashKey([]byte(strconv.Itoa(u)))
			children.AddHash(h)
		}
	}
	for i := range 2_000 {
		h, _ := HashKey([]byte("nobody-" + strconv.Itoa(i)))
		children.AddHash(h)
	}
	if len(parents.counts) > SampleCap || len(children.counts) > SampleCap {
		t.Fatalf("samples exceed their cap: %d, %d", len(parents.counts), len(children.counts))
	}
	st := Relate(parents, children)
	if math.Abs(st.ParentsWithChildren-0.2) > 0.03 {
		t.Errorf("parents with children %v, want 0.2", st.ParentsWithChildren)
	}
	wantMatch := 1 - 2000.0/float64(children.Rows)
	if math.Abs(st.ChildMatch-wantMatch) > 0.03 {
		t.Errorf("child match %v, want %v", st.ChildMatch, wantMatch)
	}
	if st.FanoutP50 < 4 || st.FanoutP50 > 6 || st.FanoutP99 != 9 || st.FanoutMax != 9 {
		t.Errorf("fan-out p50 %d p99 %d max %d", st.FanoutP50, st.FanoutP99, st.FanoutMax)
	}
	if st.SampleRate >= 1 {
		t.Errorf("100,000 parents should have been sampled, rate %v", st.SampleRate)
	}
}

func TestCollectorBothSides(t *testing.T) {
	c := NewCollector()
	c.Table("public.users", []string{"id", "name"}, []string{"name"}, map[string]string{"name": "last_name"})
	c.Table("public.orders", []string{"id", "user_id"}, nil, nil)
	if !c.Relation(dbtwin.Relation{FromTable: "public.orders", FromColumns: []string{"user_id"}, ToTable: "public.users", ToColumns: []string{"id"}, Declared: true, Kind: "fk"}) {
		t.Fatal("relation not registered")
	}
	if c.Relation(dbtwin.Relation{FromTable: "public.missing", FromColumns: []string{"x"}, ToTable: "public.users", ToColumns: []string{"id"}}) {
		t.Fatal("a relation to an unregistered table was registered")
	}
	for _, side := range []Side{Production, Twin} {
		u, o := c.Tap("public.users", side), c.Tap("public.orders", side)
		for i := range 1000 {
			name := "n" + strconv.Itoa(i)
			if side == Twin {
				name = "m" + strconv.Itoa(i%10) // collapsed
			}
			u.Add(dbtwin.Row{[]byte(strconv.Itoa(i)), []byte(name)})
			for k := range i % 3 {
				o.Add(dbtwin.Row{[]byte(strconv.Itoa(i*10 + k)), []byte(strconv.Itoa(i))})
			}
		}
		u.Close()
		o.Close()
		u.Close() // twice is harmless
	}
	r := c.Report(DefaultTolerances())
	if len(r.Columns) != 1 || len(r.Relations) != 1 {
		t.Fatalf("columns %d relations %d", len(r.Columns), len(r.Relations))
	}
	if r.Columns[0].WithinTolerances || !r.Relations[0].WithinTolerances || r.Outside != 1 {
		t.Fatalf("report %+v", r)
	}
	rel := r.Relations[0]
	if rel.Production.ChildMatch != 1 || rel.Production.FanoutMax != 2 || math.Abs(rel.Production.ParentsWithChildren-2.0/3) > 0.01 {
		t.Fatalf("relation %+v", rel.Production)
	}
}

// BenchmarkColumnSketchAdd measures the per-value cost on the clone's hot
// path (go test ./fidelity -bench ColumnSketch).
func BenchmarkColumnSketchAdd(b *testing.B) {
	vals := make([][]byte, 1<<16)
	for i := range vals {
		vals[i] = []byte(fmt.Sprintf("person%d@example.com", i*7919))
	}
	s := NewColumnSketch()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Add(vals[i&(len(vals)-1)])
	}
}

// Small columns are counted exactly; merging exact and dense sketches in
// any order gives the same estimate as one sketch.
func TestExactThenDense(t *testing.T) {
	a, b := NewColumnSketch(), NewColumnSketch()
	for i := range 300 {
		a.Add([]byte(strconv.Itoa(i)))
		b.Add([]byte(strconv.Itoa(i + 200)))
	}
	a.Merge(b)
	if a.Distinct() != 500 || a.hll != nil {
		t.Fatalf("exact merge: %d distinct (dense %v)", a.Distinct(), a.hll != nil)
	}
	big, one := NewColumnSketch(), NewColumnSketch()
	for i := range 50_000 {
		big.Add([]byte(strconv.Itoa(i)))
		one.Add([]byte(strconv.Itoa(i)))
	}
	for i := range 500 {
		one.Add([]byte(strconv.Itoa(i + 60_000)))
	}
	small := NewColumnSketch()
	for i := range 500 {
		small.Add([]byte(strconv.Itoa(i + 60_000)))
	}
	small.Merge(big) // exact ← dense
	if small.Distinct() != one.Distinct() {
		t.Fatalf("exact+dense %d, one sketch %d", small.Distinct(), one.Distinct())
	}
}
