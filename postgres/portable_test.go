package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// A schema exported from a source imports into another database with the
// same result as CreateSchema; a dump from a newer major version or another
// engine is refused before anything is created.
func TestExportImportSchema(t *testing.T) {
	ctx := context.Background()
	src := dbtest.Postgres(t)
	dbtest.Exec(t, src, `CREATE TABLE parent (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent(id));
INSERT INTO parent (name) VALUES ('a'), ('b');`)
	s := openSource(t, src)
	snap, err := s.Snapshot(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	dump, err := s.ExportSchema(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	if dump.Engine != Engine || dump.VersionNum < 90000 || !strings.Contains(string(dump.Data), "CREATE TABLE public.parent") {
		t.Fatalf("unexpected dump: engine %s, version %d (%s)", dump.Engine, dump.VersionNum, dump.ServerVersion)
	}

	dst := dbtest.Postgres(t)
	tg := openTarget(t, dst, 2)
	newer := *dump
	newer.VersionNum, newer.ServerVersion = 990000, "99.0"
	if _, err := tg.ImportSchema(ctx, &newer); err == nil || !errors.Is(err, dbtwin.ErrUsage) || !strings.Contains(err.Error(), "older than the source's 99.0") {
		t.Fatalf("a dump from PostgreSQL 99 was not refused: %v", err)
	}
	other := *dump
	other.Engine = "sqlite"
	if _, err := tg.ImportSchema(ctx, &other); err == nil || !strings.Contains(err.Error(), "restore into a sqlite database instead") {
		t.Fatalf("a SQLite dump was not refused: %v", err)
	}
	if names, _ := tg.TableNames(ctx); len(names) != 0 {
		t.Fatalf("a refused import created tables: %v", names)
	}
	post, err := tg.ImportSchema(ctx, dump)
	if err != nil {
		t.Fatal(err)
	}
	if err := post.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	if n := dbtest.QueryInt(t, dst, `SELECT count(*) FROM pg_constraint WHERE conrelid IN ('parent'::regclass, 'child'::regclass)`); n != 3 {
		t.Errorf("constraints after import: %d, want 3 (2 keys, 1 foreign key)", n)
	}
	if v := dbtest.QueryInt(t, dst, `SELECT last_value FROM parent_id_seq`); v != 2 {
		t.Errorf("sequence after import: %d, want 2 (as in the source)", v)
	}
}
