package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// MySQL/MariaDB fixtures: the config `dbtwin init` writes clones each of
// them as is; no original value of a masked column survives in its column;
// the unique keys hold in the twin (post-data recreates them, so a
// duplicate would fail the clone).
func TestMySQLInitMaskedClone(t *testing.T) {
	t.Setenv("DBTWIN_SECRET", testSecret)
	for _, fx := range dbtest.MySQLFixtures {
		t.Run(fx.Name, func(t *testing.T) {
			t.Parallel()
			src, dst := dbtest.LoadMySQLFixture(t, fx.Name), dbtest.MySQL(t)
			cfgPath := filepath.Join(t.TempDir(), "dbtwin.yaml")
			mustRun(t, "init", "--source", src, "-o", cfgPath)
			out := mustRun(t, "clone", "--source", src, "--target", dst, "-c", cfgPath, "--jobs", "3")
			if !strings.Contains(out, "leak scan: no original value found") {
				t.Fatalf("no clean leak scan:\n%s", out)
			}
			cfg, err := config.Load(cfgPath)
			if err != nil {
				t.Fatal(err)
			}
			masked := 0
			for _, tm := range cfg.Mask {
				for _, cr := range tm.Columns {
					table, col, rule := tm.Table, cr.Column, cr.Rule
					if rule.Transformer == "keep" || rule.Transformer == "null" || rule.Transformer == "json" {
						continue
					}
					// Dictionary fakes (names, cities) may equal another
					// row's original by chance: compare each cell with its
					// own row's original; emails and phones column-wide.
					pk := dbtest.MySQLQueryString(t, src, "SELECT GROUP_CONCAT(COLUMN_NAME) FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"+table+"' AND CONSTRAINT_NAME = 'PRIMARY'")
					if pk == "" || strings.Contains(pk, ",") {
						continue
					}
					q := "SELECT CONCAT(`" + pk + "`, '\\t', `" + col + "`) FROM `" + table + "` WHERE `" + col + "` IS NOT NULL AND CHAR_LENGTH(`" + col + "`) > 3"
					if rule.Transformer == "email" || rule.Transformer == "phone" {
						q = "SELECT `" + col + "` FROM `" + table + "` WHERE `" + col + "` IS NOT NULL AND CHAR_LENGTH(`" + col + "`) > 3"
					}
					orig := mysqlValues(t, src, q)
					// Masking is a function of the value: count distinct
					// values that kept their own row's original.
					kept := map[string]bool{}
					for v := range mysqlValues(t, dst, q) {
						if orig[v] {
							if _, val, ok := strings.Cut(v, "\t"); ok {
								v = val
							}
							kept[v] = true
						}
					}
					same := len(kept)
					// A dictionary fake (about a hundred cities) may pick,
					// by chance, the value its row already had.
					limit := len(orig)/100 + 1
					if rule.Transformer == "email" || rule.Transformer == "phone" {
						limit = 0
					}
					if same > limit {
						t.Errorf("%s.%s (%s): %d of %d original values survived masking", table, col, rule.Transformer, same, len(orig))
					}
					masked++
				}
			}
			if masked == 0 {
				t.Fatalf("init masked nothing in %s:\n%s", fx.Name, mustRead(t, cfgPath))
			}
			t.Logf("%s: %d masked columns checked", fx.Name, masked)
		})
	}
}

// A 10% subset of every MySQL fixture is closed (the clone verifies every
// foreign key) and leaves no table empty that has rows in the source.
func TestMySQLSubsetClone(t *testing.T) {
	roots := map[string]string{"sakila": "customer", "chinook": "Customer", "northwind": "customers"}
	for _, fx := range dbtest.MySQLFixtures {
		t.Run(fx.Name, func(t *testing.T) {
			t.Parallel()
			src, dst := dbtest.LoadMySQLFixture(t, fx.Name), dbtest.MySQL(t)
			cfg := filepath.Join(t.TempDir(), "dbtwin.yaml")
			text := "version: 1\nstrict: false\nsubset:\n  roots: [{table: " + roots[fx.Name] + ", percent: 10}]\n  unreachable: {percent: 10}\n"
			if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			before := dbtest.MySQLDigests(t, src)
			out := mustRun(t, "clone", "--source", src, "--target", dst, "-c", cfg)
			if !strings.Contains(out, "no dangling references") {
				t.Fatalf("subset not verified closed:\n%s", out)
			}
			after := dbtest.MySQLDigests(t, dst)
			var srcRows, twinRows int64
			for table, d := range before {
				n, m := rowsOf(d), rowsOf(after[table])
				srcRows += n
				twinRows += m
				if n > 0 && m == 0 {
					t.Errorf("%s has %d rows in the source and none in the twin", table, n)
				}
			}
			if twinRows >= srcRows {
				t.Errorf("twin has %d rows, source %d: not smaller", twinRows, srcRows)
			}
			t.Logf("%s: %d of %d rows", fx.Name, twinRows, srcRows)
			dbtest.CompareDigests(t, before, dbtest.MySQLDigests(t, src)) // the source is untouched
		})
	}
}

func mysqlValues(t *testing.T, dbURL, q string) map[string]bool {
	t.Helper()
	db, err := dbtest.MySQLOpen(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out[s] = true
	}
	return out
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A snapshot file of a MySQL database restores, without the source, into an
// identical database.
func TestMySQLSnapshotRoundTrip(t *testing.T) {
	src, dst := dbtest.LoadMySQLFixture(t, "sakila"), dbtest.MySQL(t)
	file := filepath.Join(t.TempDir(), "sakila.dbtwin")
	mustRun(t, "snapshot", "create", "--source", src, "--strict=false", "-o", file)
	mustRun(t, "snapshot", "restore", file, "--target", dst)
	dbtest.CompareDigests(t, dbtest.MySQLDigests(t, src), dbtest.MySQLDigests(t, dst))
	for _, q := range []string{
		"SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()",
		"SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()",
		"SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()",
		"SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
	} {
		if a, b := dbtest.MySQLQueryString(t, src, q), dbtest.MySQLQueryString(t, dst, q); a != b {
			t.Errorf("%s: source %s, restored %s", q, a, b)
		}
	}
}
