package scan

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// checkConfig writes the starter config and checks it parses and names
// only tables and columns that exist.
func checkConfig(t *testing.T, name string, res *Result, schema *dbtwin.Schema) {
	t.Helper()
	var b bytes.Buffer
	if err := WriteConfig(&b, res, schema); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(name+".yaml", b.Bytes())
	if err == nil {
		err = config.Validate(cfg, schema)
	}
	if err != nil {
		t.Errorf("%s: starter config rejected: %v\n%s", name, err, b.String())
	}
}

// truthFile is testdata/truth.json.
type truthFile struct {
	ImpliedFKs map[string][]string          `json:"implied_fks"`
	PII        map[string]map[string]string `json:"pii"`
}

func loadTruth(t *testing.T) truthFile {
	t.Helper()
	data, err := os.ReadFile("testdata/truth.json")
	if err != nil {
		t.Fatal(err)
	}
	var tf truthFile
	if err := json.Unmarshal(data, &tf); err != nil {
		t.Fatalf("testdata/truth.json: %v", err)
	}
	return tf
}

// tally counts true and false positives and misses.
type tally struct{ tp, fp, fn int }

func (c *tally) add(o tally) { c.tp += o.tp; c.fp += o.fp; c.fn += o.fn }
func (c tally) recall() float64 {
	if c.tp+c.fn == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}
func (c tally) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

// measureFKs compares the links a scan found (high and medium confidence)
// with the dropped foreign keys plus the hand-labelled implied ones.
func measureFKs(t *testing.T, name string, res *Result, dropped, implied []string) tally {
	truth := map[string]bool{}
	for _, k := range append(dropped, implied...) {
		truth[k] = true
	}
	found := map[string]bool{}
	var c tally
	var fps []string
	for _, r := range res.Relationships {
		if r.Declared || r.Level == LevelLow {
			continue
		}
		k := fkString(r.From.Table, strings.Join(r.From.Columns, ","), r.To.Table, strings.Join(r.To.Columns, ","))
		rev := fkString(r.To.Table, strings.Join(r.To.Columns, ","), r.From.Table, strings.Join(r.From.Columns, ","))
		switch {
		case truth[k]:
			found[k] = true
		case r.Kind == "value" && truth[rev]:
			found[rev] = true
		default:
			fps = append(fps, k+" ["+r.Kind+" "+r.Level+": "+strings.Join(r.Evidence, "; ")+"]")
		}
	}
	var misses []string
	for k := range truth {
		if !found[k] {
			misses = append(misses, k)
		}
	}
	sort.Strings(misses)
	c.tp, c.fp, c.fn = len(found), len(fps), len(misses)
	t.Logf("%-18s links: %d true, %d found, %d false positives, %d missed", name, len(truth), c.tp, c.fp, c.fn)
	for _, f := range fps {
		t.Logf("  false positive: %s", f)
	}
	for _, m := range misses {
		t.Logf("  missed: %s", m)
	}
	return c
}

// measurePII compares flagged columns (high and medium) with the labels.
func measurePII(t *testing.T, name string, res *Result, labels map[string]string) (tally, int) {
	var c tally
	flagged := map[string]PII{}
	for _, p := range res.PII {
		if p.Level != LevelLow {
			flagged[p.Table+"."+p.Column] = p
		}
	}
	sameCat := 0
	var keys []string
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p, ok := flagged[k]
		if !ok {
			c.fn++
			t.Logf("  missed PII: %s (%s)", k, labels[k])
			continue
		}
		c.tp++
		if p.Category == labels[k] {
			sameCat++
		} else {
			t.Logf("  category: %s is %s, found %s", k, labels[k], p.Category)
		}
	}
	for k, p := range flagged {
		if _, ok := labels[k]; !ok {
			c.fp++
			t.Logf("  false PII: %s as %s %s (%s)", k, p.Category, p.Level, strings.Join(p.Evidence, "; "))
		}
	}
	t.Logf("%-18s PII: %d labelled, %d found, %d false positives, %d missed", name, len(labels), c.tp, c.fp, c.fn)
	return c, sameCat
}

// TestGroundTruth drops every declared foreign key of every fixture, scans,
// and measures how many come back (and what else is claimed), and how well
// personal data is found against hand labels. Goals: >= 95% recall at
// >= 90% precision for both.
func TestGroundTruth(t *testing.T) {
	truth := loadTruth(t)
	var links, pii tally
	var sameCat int
	var rows, queries, dbRows int64
	for _, name := range []string{"chinook", "pagila", "northwind", "world"} {
		key := "postgres/" + name
		url := dbtest.LoadPostgresFixture(t, name)
		dropped := dropPostgresFKs(t, url)
		if name == "pagila" || name == "world" {
			dbtest.Exec(t, url, "ANALYZE") // statistics: large tables are then sampled by pages
		}
		res, schema := scanURL(t, url, Options{})
		checkConfig(t, key, res, schema)
		links.add(measureFKs(t, key, res, dropped, truth.ImpliedFKs[key]))
		c, s := measurePII(t, key, res, truth.PII[key])
		pii.add(c)
		sameCat += s
		rows, queries, dbRows = rows+res.Stats.Rows, queries+int64(res.Stats.Queries), dbRows+res.Stats.DatabaseRows
	}
	for _, name := range []string{"chinook", "northwind"} {
		key := "sqlite/" + name
		url, dropped := sqliteWithoutFKs(t, name)
		res, schema := scanURL(t, url, Options{})
		checkConfig(t, key, res, schema)
		links.add(measureFKs(t, key, res, dropped, truth.ImpliedFKs[key]))
		c, s := measurePII(t, key, res, truth.PII[key])
		pii.add(c)
		sameCat += s
		rows, queries, dbRows = rows+res.Stats.Rows, queries+int64(res.Stats.Queries), dbRows+res.Stats.DatabaseRows
	}
	t.Logf("undeclared links: recall %.1f%% (%d/%d), precision %.1f%% (%d/%d)",
		100*links.recall(), links.tp, links.tp+links.fn, 100*links.precision(), links.tp, links.tp+links.fp)
	t.Logf("personal data:    recall %.1f%% (%d/%d), precision %.1f%% (%d/%d), same category %d/%d",
		100*pii.recall(), pii.tp, pii.tp+pii.fn, 100*pii.precision(), pii.tp, pii.tp+pii.fp, sameCat, pii.tp)
	t.Logf("cost: %d rows read of %d, %d queries, over 6 databases", rows, dbRows, queries)
	if links.recall() < 0.95 || links.precision() < 0.90 {
		t.Errorf("links: recall %.3f precision %.3f, want >= 0.95 and >= 0.90", links.recall(), links.precision())
	}
	if pii.recall() < 0.95 || pii.precision() < 0.90 {
		t.Errorf("personal data: recall %.3f precision %.3f, want >= 0.95 and >= 0.90", pii.recall(), pii.precision())
	}
}
