package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

// wideSchema has n tables of 8 text columns, and a config keeping 500 of
// the columns.
func wideSchema(n int) (*dbtwin.Schema, *Config) {
	s := &dbtwin.Schema{}
	var keep []string
	for i := 0; i < n; i++ {
		t := &dbtwin.Table{Schema: "public", Name: fmt.Sprintf("table_%03d", i)}
		for j := 0; j < 8; j++ {
			t.Columns = append(t.Columns, &dbtwin.Column{Name: fmt.Sprintf("col_%d", j), Kind: dbtwin.KindText})
			if len(keep) < 500 && (i*8+j)%6 == 0 {
				keep = append(keep, fmt.Sprintf("  - %s.col_%d", t.Name, j))
			}
		}
		s.Tables = append(s.Tables, t)
	}
	cfg, err := Parse("dbtwin.yaml", []byte("version: 1\nkeep:\n"+strings.Join(keep, "\n")+"\n"))
	if err != nil {
		panic(err)
	}
	return s, cfg
}

func TestKeptOnWideSchema(t *testing.T) {
	s, cfg := wideSchema(400)
	if err := Validate(cfg, s); err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, tb := range s.Tables {
		for _, c := range tb.Columns {
			if cfg.Kept(s, tb.QualifiedName(), c.Name) {
				kept++
			}
		}
	}
	if kept != 500 {
		t.Fatalf("%d columns kept, want 500", kept)
	}
	// A partition's columns are kept with its parent's.
	s.Tables = append(s.Tables, &dbtwin.Table{Schema: "public", Name: "table_000_p1", PartitionOf: "public.table_000",
		Columns: []*dbtwin.Column{{Name: "col_0", Kind: dbtwin.KindText}}})
	if !Resolve(cfg, s).Kept("public.table_000_p1", "col_0") {
		t.Fatal("partition column not kept with its parent")
	}
}

// BenchmarkKept asks, for every column of a 400-table schema, whether a
// 500-entry keep list holds it (what strict mode and the leak scan do).
func BenchmarkKept(b *testing.B) {
	s, cfg := wideSchema(400)
	b.ResetTimer()
	for b.Loop() {
		for _, tb := range s.Tables {
			q := tb.QualifiedName()
			for _, c := range tb.Columns {
				cfg.Kept(s, q, c.Name)
			}
		}
	}
}

// BenchmarkKeptLinear is the baseline: the lookup as it was before
// Resolve, resolving every keep entry against the schema on every question.
func BenchmarkKeptLinear(b *testing.B) {
	s, cfg := wideSchema(400)
	b.ResetTimer()
	for b.Loop() {
		for _, tb := range s.Tables {
			q := tb.QualifiedName()
			for _, c := range tb.Columns {
				for _, k := range cfg.Keep {
					t, col, ok := SplitColumnRef(s, k.Text)
					if ok && t.QualifiedName() == q && col.Name == c.Name {
						break
					}
				}
			}
		}
	}
}
