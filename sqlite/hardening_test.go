package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

// Issue 14, item 11: "sqlite:chinook.db?mode=rwc" created a file literally
// named "chinook.db?mode=rwc". URI parameters dbtwin agrees with are
// accepted (the file is the path before "?"), the others are refused.
func TestURIParameters(t *testing.T) {
	ctx := context.Background()
	src := makeDB(t, "src.db", "CREATE TABLE a(x); INSERT INTO a VALUES (1);")
	dir := filepath.Dir(src)
	for _, raw := range []string{"sqlite:" + src + "?mode=ro", src + "?mode=rwc&cache=shared"} {
		s, err := dbtwin.OpenSource(ctx, raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if p := s.(*Source).Path(); p != src {
			t.Errorf("%s opened %s", raw, p)
		}
		s.Close()
	}
	dst := filepath.Join(dir, "twin.db")
	tg, err := dbtwin.OpenTarget(ctx, "sqlite:"+dst+"?mode=rwc", dbtwin.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p := tg.(*Target).Path(); p != dst {
		t.Errorf("target path %s", p)
	}
	tg.Close()
	for _, bad := range []string{"sqlite:" + dst + "?mode=ro", "sqlite:" + dst + "?vfs=unix-none", "sqlite:" + dst + "?mode=memory"} {
		_, err := dbtwin.OpenTarget(ctx, bad, dbtwin.TargetOptions{})
		if err == nil || !errors.Is(err, dbtwin.ErrUsage) {
			t.Errorf("%s: %v; want a usage error", bad, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), "?") {
			t.Errorf("a file named %q was created", e.Name())
		}
	}
}

// Issue 14, item 11: a damaged or foreign file is described as such, not as
// a permissions problem.
func TestCorruptFileHint(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"random.db":    []byte(strings.Repeat("not a database at all ", 1000)),
		"truncated.db": append([]byte("SQLite format 3\x00"), make([]byte, 4000)...),
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, content, 0o644)
		_, err := dbtwin.OpenSource(context.Background(), path)
		if err == nil {
			t.Fatalf("%s opened", name)
		}
		if !strings.Contains(err.Error(), "not a SQLite database or is damaged") || strings.Contains(err.Error(), "may read") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
