package snapshot

import (
	"context"
	"fmt"
	"testing"

	"github.com/dbtwin/dbtwin"
)

// SplitTable covers every chunk exactly once, in order, in parts of
// similar size.
func TestSplitTable(t *testing.T) {
	e := &TableEntry{Table: "t"}
	for _, raw := range []int64{4, 4, 4, 4, 4, 1, 4, 4, 4, 2} {
		e.Chunks = append(e.Chunks, Chunk{Raw: raw, Rows: raw * 10})
		e.RawBytes += raw
	}
	v := &dataView{tables: func(string) *TableEntry { return e }}
	tbl := &dbtwin.Table{Name: "t"}
	for _, parts := range []int{2, 3, 4, 20} {
		preds, err := v.SplitTable(context.Background(), tbl, parts)
		if err != nil {
			t.Fatal(err)
		}
		if len(preds) != min(parts, len(e.Chunks)) {
			t.Errorf("%d parts: got %d predicates %v", parts, len(preds), preds)
		}
		next := 0
		var rows int64
		for _, p := range preds {
			first, last, ok := parsePart(p)
			if !ok || first != next || last <= first {
				t.Fatalf("%d parts: bad range %q after chunk %d (%v)", parts, p, next, preds)
			}
			n, _ := v.Count(context.Background(), tbl, p)
			rows += n
			next = last
		}
		if next != len(e.Chunks) || rows != 350 {
			t.Errorf("%d parts: ranges end at %d of %d chunks, %d rows: %s", parts, next, len(e.Chunks), rows, fmt.Sprint(preds))
		}
	}
	if preds, _ := v.SplitTable(context.Background(), tbl, 1); preds != nil {
		t.Errorf("one part: %v", preds)
	}
}
