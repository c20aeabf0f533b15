package scan

import (
	"context"
	"os"
	"testing"
)

func TestZZDebug(t *testing.T) {
	u := os.Getenv("SCAN_EXPLORE_URL")
	if u == "" {
		t.Skip()
	}
	snap := snapshotOf(t, u)
	s := &scanner{snap: snap, schema: snap.Schema(), engine: "postgres", opt: Options{}.withDefaults()}
	if err := s.loadEstimates(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, tb := range snap.Schema().Tables {
		if tb.Name != "payment" && tb.Name != "rental" {
			continue
		}
		t.Logf("%s: partitioned=%v partof=%q est=%d rowest=%d", tb.Name, tb.Partitioned, tb.PartitionOf, s.estimates[tb.QualifiedName()], tb.RowEstimate)
		ts, err := s.sampleTable(context.Background(), tb)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("rows=%d method=%s total=%d", ts.rows, ts.method, ts.total)
	}
}
