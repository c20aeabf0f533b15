package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// handmadeSQL exercises what the fixtures do not: composite FK, FK to a
// UNIQUE non-PK column, FK without columns, expression and partial unique
// indexes, generated columns, WITHOUT ROWID, a table without a PK,
// AUTOINCREMENT with a deleted last row, a trigger, a view, a name with
// quotes and spaces, and values whose storage class differs from their
// column's affinity.
const handmadeSQL = `
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL,
  code VARCHAR(12) CONSTRAINT accounts_code_key UNIQUE,
  created DATETIME DEFAULT CURRENT_TIMESTAMP,
  active BOOLEAN NOT NULL DEFAULT 1,
  profile JSON,
  uid UUID,
  balance NUMERIC(10,2),
  CONSTRAINT email_has_at CHECK (email LIKE '%@%')
);
CREATE UNIQUE INDEX accounts_email_lower ON accounts (lower(email));
CREATE UNIQUE INDEX accounts_active_uid ON accounts (uid) WHERE active = 1;
CREATE INDEX accounts_created ON accounts (created DESC);
CREATE TABLE regions (
  country TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT,
  PRIMARY KEY (country, code)
) WITHOUT ROWID;
CREATE TABLE "office ""hq"" list" (
  id INTEGER PRIMARY KEY,
  country TEXT,
  region TEXT,
  account_code VARCHAR(12) REFERENCES accounts (code) ON DELETE SET NULL,
  label TEXT GENERATED ALWAYS AS (country || '/' || region) VIRTUAL,
  CONSTRAINT office_region FOREIGN KEY (country, region) REFERENCES regions (country, code)
    DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  account_id INTEGER REFERENCES accounts,
  body TEXT,
  body_len INTEGER AS (length(body)) STORED,
  amount INTEGER,
  extra,
  score REAL CHECK (score >= 0 OR score IS NULL),
  data BLOB
);
CREATE TABLE events (at TEXT, kind TEXT, payload);
CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, msg TEXT NOT NULL);
CREATE TRIGGER accounts_audit AFTER INSERT ON accounts BEGIN
  INSERT INTO audit (msg) VALUES ('new account ' || NEW.email);
END;
CREATE VIEW active_accounts AS SELECT id, email FROM accounts WHERE active;

INSERT INTO accounts (email, code, created, active, profile, uid, balance) VALUES
  ('Ann@example.com', 'A-1', '2024-01-02 03:04:05', 1, '{"phone":"555"}', 'b3c1e0a2-0000-4000-8000-000000000001', 12.5),
  ('bob@example.com', 'B-2', '2024-02-03', 0, NULL, NULL, 3),
  ('carl@example.com', NULL, 1700000000, 1, NULL, NULL, '1e3'),
  ('dora@example.com', 'D-4', '2024-13-45 bogus', 0, NULL, 'x', 'abc');
INSERT INTO accounts (email) VALUES ('gone@example.com');
DELETE FROM accounts WHERE email = 'gone@example.com';
INSERT INTO regions VALUES ('FR', 'IDF', 'Île-de-France'), ('US', 'CA', 'California');
INSERT INTO "office ""hq"" list" (country, region, account_code) VALUES ('FR', 'IDF', 'A-1'), ('US', 'CA', NULL);
INSERT INTO notes (account_id, body, amount, extra, score, data) VALUES
  (1, 'hello', 42, 7, 0.1, x'00ff10'),
  (2, 'int holds text', 'n/a', 'text in untyped', 1e300, x''),
  (1, 'int holds real', 3.5, 2.25, 0, NULL),
  (NULL, 'int holds blob', x'0102', x'cafe', NULL, 'text in blob column'),
  (3, '', -9223372036854775808, NULL, 123456789.123456789, zeroblob(0));
INSERT INTO events VALUES ('2024-01-01T00:00:00Z', 'login', '{"a":1}'), ('x', NULL, 12), (NULL, 'y', 1.5);
`

// makeDB creates a SQLite file from a script with a plain connection.
func makeDB(t testing.TB, name, script string) string {
	t.Helper()
	path := dbtest.SQLite(t, name)
	db, err := sql.Open("sqlite", uriPath(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(script); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return path
}

// rawDB opens a file read-only for checks.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", readOnlyDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func strings1(t testing.TB, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s.String)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// digests returns, per table (sqlite_sequence included), a hash of its rows
// as SQLite's quote() prints them (which keeps storage classes), sorted.
func digests(t testing.TB, path string) map[string]string {
	t.Helper()
	db := rawDB(t, path)
	out := map[string]string{}
	for _, table := range strings1(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_stat1'`) {
		cols := strings1(t, db, `SELECT name FROM pragma_table_xinfo(?)`, table)
		var exprs []string
		for _, c := range cols {
			exprs = append(exprs, "quote("+QuoteIdent(c)+")")
		}
		lines := strings1(t, db, "SELECT "+strings.Join(exprs, " || '|' || ")+" FROM "+QuoteIdent(table))
		sort.Strings(lines)
		h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		out[table] = hex.EncodeToString(h[:8]) + " (" + strconv.Itoa(len(lines)) + " rows)"
	}
	return out
}

// masterSet returns the source's schema objects as sorted "type name sql" lines.
func masterSet(t testing.TB, path string) []string {
	t.Helper()
	return strings1(t, rawDB(t, path), `SELECT type || ' ' || name || ' ' || tbl_name || ' ' || coalesce(sql, '')
		FROM sqlite_master WHERE name <> 'sqlite_stat1' ORDER BY 1`)
}

func fileHash(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// clone copies src into dst through the engine interfaces, as the pipeline
// would: Snapshot, CreateSchema, Write per table, PostData, Verify,
// MarkComplete. wrap, if set, wraps each table's Rows before Write.
func clone(t testing.TB, src, dst string, wrap func(dbtwin.Rows) dbtwin.Rows) *dbtwin.Verification {
	t.Helper()
	ctx := context.Background()
	source, err := dbtwin.OpenSource(ctx, "sqlite:"+src)
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()
	snap, err := source.Snapshot(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	target, err := dbtwin.OpenTarget(ctx, "sqlite:"+dst, dbtwin.TargetOptions{Writers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	post, err := target.CreateSchema(ctx, source, snap)
	if err != nil {
		t.Fatal(err)
	}
	schema := snap.Schema()
	for _, tbl := range schema.Tables {
		req := dbtwin.ReadRequest{Table: tbl}
		rows, err := snap.Read(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if wrap != nil {
			rows = wrap(rows)
		}
		n, err := target.Write(ctx, tbl, req.ColumnNames(), rows)
		rows.Close()
		if err != nil {
			t.Fatalf("write %s: %v", tbl.Name, err)
		}
		want, err := snap.Count(ctx, tbl, "")
		if err != nil {
			t.Fatal(err)
		}
		got, err := target.Count(ctx, tbl)
		if err != nil {
			t.Fatal(err)
		}
		if n != want || got != want {
			t.Errorf("%s: wrote %d rows, target has %d, source has %d", tbl.Name, n, got, want)
		}
	}
	if err := post.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := target.Verify(ctx, schema)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dst); err == nil {
		t.Fatalf("%s exists before MarkComplete", dst)
	}
	if err := target.MarkComplete(ctx, "done"); err != nil {
		t.Fatal(err)
	}
	return v
}

// plainRows hides the storage classes of a Rows, as a pipeline step that
// wraps rows would, so Write binds by affinity.
type plainRows struct{ dbtwin.Rows }

// openRW opens a file for writing, as an application would.
func openRW(path string) (*sql.DB, error) { return sql.Open("sqlite", uriPath(path)) }
