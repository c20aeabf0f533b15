package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // database/sql driver for SQLite digests
)

// PostgresDigests returns, for every user table with rows of its own (not
// partitioned parents), "count:md5" of its rows as text in sorted order.
func PostgresDigests(t testing.TB, dbURL string) map[string]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect for digests: %v", err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT quote_ident(n.nspname)||'.'||quote_ident(c.relname), n.nspname||'.'||c.relname
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg_toast%'
		ORDER BY 2`)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	type tbl struct{ quoted, name string }
	var tables []tbl
	for rows.Next() {
		var x tbl
		if err := rows.Scan(&x.quoted, &x.name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, x)
	}
	rows.Close()
	out := map[string]string{}
	for _, x := range tables {
		var d string
		q := `SELECT count(*) || ':' || md5(coalesce(string_agg(x, E'\n' ORDER BY x COLLATE "C"), '')) FROM (SELECT r::text AS x FROM ` + x.quoted + ` r) s`
		if err := conn.QueryRow(ctx, q).Scan(&d); err != nil {
			t.Fatalf("digest %s: %v", x.name, err)
		}
		out[x.name] = d
	}
	return out
}

// SQLiteDigests returns "count:digest" for every table of a SQLite file,
// built from quote() of every column so storage classes count.
func SQLiteDigests(t testing.TB, path string) map[string]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatalf("list tables of %s: %v", path, err)
	}
	var tables []string
	for names.Next() {
		var n string
		_ = names.Scan(&n)
		tables = append(tables, n)
	}
	names.Close()
	out := map[string]string{}
	for _, tbl := range tables {
		q := `"` + strings.ReplaceAll(tbl, `"`, `""`) + `"`
		cols, err := db.Query(`SELECT name FROM pragma_table_info(?)`, tbl)
		if err != nil {
			t.Fatal(err)
		}
		var exprs []string
		for cols.Next() {
			var c string
			_ = cols.Scan(&c)
			exprs = append(exprs, `quote("`+strings.ReplaceAll(c, `"`, `""`)+`")`)
		}
		cols.Close()
		var n int64
		var agg sql.NullString
		row := strings.Join(exprs, "||','||")
		if err := db.QueryRow(`SELECT count(*), group_concat(r, char(10)) FROM (SELECT `+row+` AS r FROM `+q+` ORDER BY 1)`).Scan(&n, &agg); err != nil {
			t.Fatalf("digest %s: %v", tbl, err)
		}
		out[tbl] = fmt.Sprintf("%d:%x", n, hash(agg.String))
	}
	return out
}

func hash(s string) uint64 {
	var h uint64 = 1469598103934665603
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// CompareDigests fails the test for every table whose digest differs.
func CompareDigests(t testing.TB, src, dst map[string]string) {
	t.Helper()
	if len(src) == 0 {
		t.Fatal("source has no tables to compare")
	}
	for name, d := range src {
		if dst[name] != d {
			t.Errorf("table %s differs: source %s, twin %s", name, d, dst[name])
		}
	}
	for name := range dst {
		if _, ok := src[name]; !ok {
			t.Errorf("twin has table %s the source does not", name)
		}
	}
}
