package scan

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/dbtwin/dbtwin"
)

// recordingSnapshot remembers every value any query returned: everything
// the scan saw of the data.
type recordingSnapshot struct {
	dbtwin.Snapshot
	mu   sync.Mutex
	seen map[string]bool
}

func (r *recordingSnapshot) Query(ctx context.Context, sql string, args ...any) (dbtwin.Rows, error) {
	rows, err := r.Snapshot.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return &recordingRows{Rows: rows, snap: r}, nil
}

type recordingRows struct {
	dbtwin.Rows
	snap *recordingSnapshot
}

func (r *recordingRows) Next() bool {
	if !r.Rows.Next() {
		return false
	}
	r.snap.mu.Lock()
	for _, f := range r.Rows.Row() {
		if f != nil {
			r.snap.seen[string(f)] = true
		}
	}
	r.snap.mu.Unlock()
	return true
}

// revealing reports whether finding v in a report would mean a value
// leaked: long enough not to occur by chance, and not a name from the
// schema (table and column names are printed on purpose).
func revealing(v string, names map[string]bool) bool {
	v = strings.TrimSpace(v)
	if len(v) < 5 || names[strings.ToLower(v)] {
		return false
	}
	digits, letters := 0, 0
	for _, r := range v {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if letters == 0 {
		return digits >= 6 // short numbers are counts; phone and ID numbers are long
	}
	return len(v) >= 6
}

// TestNoValueInOutput scans databases full of personal data while
// recording every value read, then checks no such value appears in the
// text report, the JSON or the starter config.
func TestNoValueInOutput(t *testing.T) {
	in := makeIncident(1500, 1000, 0.4)
	urls := map[string]string{"incident-postgres": incidentPostgres(t, in), "incident-sqlite": incidentSQLite(t, in)}
	chinook, _ := sqliteWithoutFKs(t, "chinook")
	urls["chinook-sqlite"] = chinook
	for name, url := range urls {
		t.Run(name, func(t *testing.T) {
			rec := &recordingSnapshot{Snapshot: snapshotOf(t, url), seen: map[string]bool{}}
			res, err := Run(context.Background(), rec, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := WriteText(&out, res); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&out, res); err != nil {
				t.Fatal(err)
			}
			if err := WriteConfig(&out, res, rec.Schema()); err != nil {
				t.Fatal(err)
			}
			names := map[string]bool{}
			for _, tb := range rec.Schema().Tables {
				names[strings.ToLower(tb.Name)] = true
				names[strings.ToLower(tb.QualifiedName())] = true
				for _, c := range tb.Columns {
					names[strings.ToLower(c.Name)] = true
				}
			}
			report := out.String()
			checked, leaks := 0, 0
			for v := range rec.seen {
				if !revealing(v, names) {
					continue
				}
				checked++
				if strings.Contains(report, strings.TrimSpace(v)) {
					leaks++
					if leaks <= 10 {
						t.Errorf("a sampled value appears in the output: %q", v)
					}
				}
			}
			if checked < 100 {
				t.Fatalf("only %d distinct values checked: the recording saw too little", checked)
			}
			t.Logf("%d distinct sampled values checked against %d bytes of output: %d found", checked, len(report), leaks)
		})
	}
}
