package scan

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scan -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run with -update if the change is intended.\n--- got:\n%s", path, got)
	}
}

// TestGolden pins the three outputs people read (text report, JSON, starter
// config) on the SQLite Chinook fixture, whose sampling is deterministic.
func TestGolden(t *testing.T) {
	url := "sqlite:" + sqliteFixturePath(t, "chinook")
	res, schema := scanURL(t, url, Options{})
	res.Stats.Duration = 0
	var text, js, cfg bytes.Buffer
	if err := WriteText(&text, res); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, res); err != nil {
		t.Fatal(err)
	}
	if err := WriteConfig(&cfg, res, schema); err != nil {
		t.Fatal(err)
	}
	golden(t, "chinook-sqlite.txt", text.Bytes())
	golden(t, "chinook-sqlite.json", js.Bytes())
	golden(t, "chinook-sqlite.yaml", cfg.Bytes())
}
