package verify

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
)

// textTable is a table public.t of text columns.
func textTable(cols ...string) *dbtwin.Schema {
	t := &dbtwin.Table{Schema: "public", Name: "t"}
	for _, c := range cols {
		t.Columns = append(t.Columns, &dbtwin.Column{Name: c, Kind: dbtwin.KindText})
	}
	return &dbtwin.Schema{Tables: []*dbtwin.Table{t}}
}

func toRow(r []*string) dbtwin.Row {
	out := make(dbtwin.Row, len(r))
	for i, v := range r {
		if v != nil {
			out[i] = []byte(*v)
		}
	}
	return out
}

// runRows leak-scans rows of public.t(email, notes): src rows as read from
// the source, twin rows as read from the twin (verify's two-sided mode).
func runRows(t testing.TB, cfgExtra string, src, twin [][]*string, budget int64) *Report {
	t.Helper()
	s := textTable("email", "notes")
	cfg, err := config.Parse("dbtwin.yaml", []byte("version: 1\n"+cfgExtra))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := NewScan(s, s, cfg, Options{MemoryBudget: budget, TempDir: t.(interface{ TempDir() string }).TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	tbl := s.Tables[0]
	ss, err := sc.sourceTable(tbl, []string{"email", "notes"})
	if err != nil {
		t.Fatal(err)
	}
	if ss != nil {
		o := ss.Observer()
		for _, r := range src {
			full := toRow(r)
			var row dbtwin.Row
			for _, c := range ss.columns {
				row = append(row, full[indexOf([]string{"email", "notes"}, c)])
			}
			o.Source(row)
		}
		o.Done()
	}
	ts, _ := sc.twinTable(tbl, []string{"email", "notes"})
	o := ts.Observer()
	for _, r := range twin {
		o.Twin(toRow(r))
	}
	o.Done()
	rep, err := sc.Finish(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// denseClone feeds n rows of 11-digit national IDs through a one-pass
// scan (clone mode), the twin value given by mask; it returns the report
// and the scan's run stores.
func denseClone(t *testing.T, n int, budget int64, mask func(i int, orig string) string) (*Report, *Scan) {
	t.Helper()
	s := textTable("national_id", "notes")
	cfg, err := config.Parse("dbtwin.yaml", []byte("version: 1\nmask:\n  public.t:\n    national_id: {transformer: digits, keep_length: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := NewScan(s, s, cfg, Options{MemoryBudget: budget, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sc.Close)
	ts, err := sc.Table(s.Tables[0], []string{"national_id", "notes"})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// Originals concentrated in 1,000 prefixes of 5 digits (like real
	// identifiers issued by region), unique.
	seen := map[uint64]bool{}
	obs := []*RowObserver{ts.Observer(), ts.Observer()}
	notes := []byte("order shipped")
	for i := 0; i < n; i++ {
		var v uint64
		for {
			v = (10000+uint64(rng.IntN(1000)))*1_000_000 + uint64(rng.IntN(1_000_000))
			if !seen[v] {
				seen[v] = true
				break
			}
		}
		orig := fmt.Sprintf("%011d", v)
		out := mask(i, orig)
		obs[i%2].Row(dbtwin.Row{[]byte(orig), notes}, dbtwin.Row{[]byte(out), notes})
	}
	for _, o := range obs {
		o.Done()
	}
	rep, err := sc.Finish(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep, sc
}

// keepPrefixRandom imitates a keyed format-preserving rule: the first two
// digits kept, the rest uniform.
func keepPrefixRandom(seed uint64) func(int, string) string {
	rng := rand.New(rand.NewPCG(seed, 7))
	return func(_ int, orig string) string {
		return orig[:2] + fmt.Sprintf("%09d", rng.IntN(1_000_000_000))
	}
}

func TestDenseCoincidencesAtAMillionRowsAreNotLeaks(t *testing.T) {
	rep, sc := denseClone(t, 1_000_000, 4<<20, keepPrefixRandom(3))
	if !rep.OK() {
		var b stringsBuilder
		rep.WriteText(&b)
		t.Fatalf("coincidences reported as a leak:\n%s", b.String())
	}
	if len(rep.Coincidences) != 1 {
		t.Fatalf("coincidences %+v", rep.Coincidences)
	}
	c := rep.Coincidences[0]
	// 1M twin values in buckets of 10^6 values holding ~1,000 originals
	// each (those sharing the kept prefix): about 1,000 expected... per
	// bucket density; the observed count must be near the expectation.
	if c.Expected < 1 || float64(c.Observed) > 2*c.Expected+6*sqrt(c.Expected)+10 || c.Values != 1_000_000 {
		t.Fatalf("observed %d, expected %.1f among %d", c.Observed, c.Expected, c.Values)
	}
	t.Logf("observed %d, expected %.1f, limit %d", c.Observed, c.Expected, c.Limit)
	// The tiny budget forced spilling, and no store held more in memory
	// than its share of it (plus one observer chunk).
	if rep.SpilledBytes == 0 {
		t.Fatal("a 4 MB budget did not spill 1M rows of digests")
	}
	for _, st := range []*runStore{sc.runs, sc.probes} {
		if st.peak > sc.opt.MemoryBudget/3+chunkEntries*entrySize {
			t.Fatalf("%s: %d bytes in memory, budget %d", st.name, st.peak, sc.opt.MemoryBudget/3)
		}
	}
}

func TestIdentityAndCopiedDenseValuesAreLeaks(t *testing.T) {
	// An identity-like rule: caught inline (same row) as unchanged cells.
	rep, _ := denseClone(t, 20_000, 1<<20, func(_ int, orig string) string { return orig })
	l := rep.Leak("public.t", "national_id")
	if l == nil || l.Unchanged != 20_000 {
		t.Fatalf("identity rule: %+v", rep.Findings)
	}
	// Rows shifted by one: each twin value is *another* row's original.
	// Not a same-row leak, but far above chance.
	var prev string
	rep, _ = denseClone(t, 20_000, 1<<20, func(i int, orig string) string {
		out := prev
		prev = orig
		if out == "" {
			return "99999999999"
		}
		return out
	})
	l = rep.Leak("public.t", "national_id")
	if l == nil || !l.AboveChance || l.Cells < 19_000 {
		t.Fatalf("shifted copies: %+v %+v", rep.Findings, rep.Coincidences)
	}
}

func TestSpillingGivesTheSameAnswer(t *testing.T) {
	var a, b *Report
	for _, budget := range []int64{1 << 30, 64 << 10} {
		rep, _ := denseClone(t, 100_000, budget, keepPrefixRandom(9))
		if a == nil {
			a = rep
		} else {
			b = rep
		}
	}
	if a.SpilledBytes != 0 || b.SpilledBytes == 0 {
		t.Fatalf("spilled %d and %d bytes", a.SpilledBytes, b.SpilledBytes)
	}
	if a.Coincidences[0].Observed != b.Coincidences[0].Observed || a.Digests != b.Digests {
		t.Fatalf("in memory %+v, spilled %+v", a.Coincidences, b.Coincidences)
	}
}

func TestKeptColumnsFreeTextAndJSONAreSearched(t *testing.T) {
	mail := "jane.roe@corp.example.org"
	var src, twin [][]*string
	for i := 0; i < 100; i++ {
		e := fmt.Sprintf("person%d@mail.example.org", i)
		src = append(src, []*string{&e, nil})
	}
	src = append(src, []*string{&mail, nil})
	note := "please write to " + mail + " today"
	js := `{"contact": {"mail": "` + mail + `"}}`
	twin = append(twin, []*string{nil, &note}, []*string{nil, &js})
	rep := runRows(t, "keep: [public.t.notes]\n", src, twin, 0)
	l := rep.Leak("public.t", "notes")
	if l == nil || l.Cells != 2 {
		t.Fatalf("kept column not searched: %+v", rep.Findings)
	}
}

type stringsBuilder struct{ b []byte }

func (s *stringsBuilder) Write(p []byte) (int, error) { s.b = append(s.b, p...); return len(p), nil }
func (s *stringsBuilder) String() string              { return string(s.b) }

func sqrt(x float64) float64 {
	z := x
	for i := 0; i < 50 && z > 0; i++ {
		z = (z + x/z) / 2
	}
	return z
}
