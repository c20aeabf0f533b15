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

// virtualSQL has the FTS5 table, FTS5 settings, a contentless and an
// external-content FTS5 table (kept up to date by a trigger), an R*Tree,
// and an FTS4 table as a SQLite with FTS4 writes it (this build has no FTS4:
// its schema entry is written with writable_schema over ordinary shadow
// tables, exactly as such a file looks to us).
const virtualSQL = `
create virtual table fts using fts5(body, title UNINDEXED);
insert into fts(rowid, body, title) values (10, 'hello world', 'a'), (20, 'foo bar', 'b');
insert into fts(fts, rank) values ('rank', 'bm25(10.0, 5.0)');
create virtual table cl using fts5(b, content='');
insert into cl(rowid, b) values (3, 'zz qq');
create table docs(id integer primary key, body text);
create virtual table ext using fts5(body, content='docs', content_rowid='id');
create trigger docs_ai after insert on docs begin insert into ext(rowid, body) values (new.id, new.body); end;
insert into docs values (7, 'external content');
create virtual table rt using rtree(id, minx, maxx, +label);
insert into rt values (5, 1.5, 2.5, 'lbl'), (6, -1, 1, null);
create table 'f4_content'(docid INTEGER PRIMARY KEY, 'c0body');
create table 'f4_segments'(blockid INTEGER PRIMARY KEY, block BLOB);
create table 'f4_segdir'(level INTEGER,idx INTEGER,start_block INTEGER,leaves_end_block INTEGER,end_block INTEGER,root BLOB,PRIMARY KEY(level, idx));
insert into f4_content values (1, 'x y');
insert into f4_segdir values (0, 0, 0, 0, 0, x'0001780101010200017901010102');
pragma writable_schema=on;
insert into sqlite_master(type, name, tbl_name, rootpage, sql) values ('table', 'f4', 'f4', 0, 'CREATE VIRTUAL TABLE f4 USING fts4(body)');
pragma writable_schema=off;
`

// Issue 14, item 1: an FTS5 table was silently emptied while the clone
// said "verified: row counts match". Every kind of virtual table now
// arrives with its contents, rowids and settings, and counts cover them.
func TestVirtualTablesCopied(t *testing.T) {
	src := makeDB(t, "virtual.db", virtualSQL)
	dst := filepath.Join(t.TempDir(), "twin.db")
	if v := clone(t, src, dst, nil); !v.OK() {
		t.Fatalf("verification: %+v", v)
	}
	db := rawDB(t, dst)
	for q, want := range map[string]string{
		`SELECT group_concat(rowid || ':' || body || ':' || title, ',') FROM fts`:                           "10:hello world:a,20:foo bar:b",
		`SELECT group_concat(rowid, ',') FROM fts WHERE fts MATCH 'hello'`:                                  "10",
		`SELECT v FROM fts_config WHERE k = 'rank'`:                                                         "bm25(10.0, 5.0)",
		`SELECT group_concat(rowid, ',') FROM cl WHERE cl MATCH 'qq'`:                                       "3",
		`SELECT group_concat(rowid, ',') FROM ext WHERE ext MATCH 'external'`:                               "7",
		`SELECT group_concat(id || ':' || minx || ':' || maxx || ':' || coalesce(label, '-'), ',') FROM rt`: "5:1.5:2.5:lbl,6:-1.0:1.0:-",
		`SELECT sql FROM sqlite_master WHERE name = 'f4'`:                                                   "CREATE VIRTUAL TABLE f4 USING fts4(body)",
		`SELECT c0body FROM f4_content`:                                                                     "x y",
		`SELECT hex(root) FROM f4_segdir`:                                                                   "0001780101010200017901010102",
	} {
		if got := strings.Join(strings1(t, db, q), "|"); got != want {
			t.Errorf("%s = %q, want %q", q, got, want)
		}
	}
	// The schema model counts the virtual tables' rows, so a clone that
	// loses them fails its verification.
	s, err := dbtwin.OpenSource(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	schema, err := s.Inspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fts", "rt", "f4_content"} {
		if schema.Table(name) == nil {
			t.Errorf("table %s is not in the schema: its rows would not be counted", name)
		}
	}
}

// A twin whose full-text index does not match its content fails the
// verification.
func TestVirtualTableVerification(t *testing.T) {
	path := makeDB(t, "broken.db", `create virtual table fts using fts5(body);
insert into fts values ('hello world');
delete from fts_data where id > 10;`)
	tg, err := dbtwin.OpenTarget(context.Background(), "sqlite:"+path, dbtwin.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	v, err := tg.Verify(context.Background(), &dbtwin.Schema{})
	if err != nil {
		t.Fatal(err)
	}
	if v.OK() {
		t.Errorf("a damaged full-text index passed verification")
	}
}

// Issue 14, item 11: a full disk is reported as such, with what to do, also
// when SQLite words it "database disk image is malformed" on a disk with no
// space left; a malformed file on a disk with room stays what it is.
func TestDiskFullExplained(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "twin.db")
	err := diskFull(path, errors.New("database or disk is full (13)"))
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "disk holding "+dir+" is full") {
		t.Errorf("disk full: %v", err)
	}
	malformed := errors.New("database disk image is malformed (11)")
	if err := diskFull(path, malformed); errors.Is(err, ErrDiskFull) {
		t.Errorf("a malformed file on a disk with room is not a full disk: %v", err)
	}
	if err := diskFull(path, errors.New("no such table: x")); err.Error() != "no such table: x" {
		t.Errorf("unrelated error changed: %v", err)
	}
}
