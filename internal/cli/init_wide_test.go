package cli

import (
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/internal/widegen"
)

// On a generated wide schema (lookup tables, link tables, self-references,
// an accounts table full of personal data, no foreign keys declared), the
// config `init` writes is accepted by `clone -c` as is, on PostgreSQL and
// SQLite; key-like links are written as kind: fk, the guest-like e-mail link
// as a value link, and the accounts' logins and websites are masked.
func TestInitCloneWideSchema(t *testing.T) {
	t.Setenv("DBTWIN_SECRET", testSecret)
	g := widegen.Generate(widegen.Options{Entities: 30, Rows: 120})
	for _, engine := range []string{"postgres", "sqlite"} {
		t.Run(engine, func(t *testing.T) {
			var src, dst string
			if engine == "postgres" {
				src, dst = dbtest.Postgres(t), dbtest.Postgres(t)
				dbtest.Exec(t, src, g.SQL)
			} else {
				path := dbtest.SQLite(t, "wide.db")
				db, err := sql.Open("sqlite", path)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec(g.SQL); err != nil {
					t.Fatal(err)
				}
				db.Close()
				src, dst = path, filepath.Join(t.TempDir(), "twin.db")
			}
			cfg := filepath.Join(t.TempDir(), "dbtwin.yaml")
			mustRun(t, "init", "--source", src, "-o", cfg)
			body, err := os.ReadFile(cfg)
			if err != nil {
				t.Fatal(err)
			}
			text := string(body)
			for _, want := range []string{"name: {transformer: username, style: fpe}", "website: text", "kind: fk",
				"email_confirm_date", "last_login_date"} {
				if !strings.Contains(text, want) {
					t.Errorf("init's config lacks %q", want)
				}
			}
			if strings.Contains(text, "email_confirm_date: email") || strings.Contains(text, "last_login_date: username") {
				t.Error("a date column got an e-mail or user-name rule")
			}
			out := mustRun(t, "clone", "--source", src, "--target", dst, "-c", cfg)
			if !strings.Contains(out, "leak scan: no original value found") {
				t.Fatalf("no clean leak scan:\n%s", out)
			}
		})
	}
}

// Names with dots, quotes, commas, parentheses and spaces go through scan →
// init → clone: init writes them quoted where needed and clone accepts them.
func TestInitCloneHostileNames(t *testing.T) {
	t.Setenv("DBTWIN_SECRET", testSecret)
	const ddl = `CREATE TABLE "we.ird" ("id" integer PRIMARY KEY, "a.b" text, "e.mail" text, "x,y" text, "p(q)" integer, "q""uote" text, " pad " text);
CREATE TABLE plain2 (id integer PRIMARY KEY, "a.b" text, "we.ird.id" integer, "first.name" text);`
	var ins []string
	for i := 1; i <= 60; i++ {
		n := strings.Repeat("x", i%5+1)
		ins = append(ins, `INSERT INTO "we.ird" VALUES (`+itoa(i)+`, 'plain `+n+`', 'person`+itoa(i)+`@mail.example', 'v`+itoa(i%3)+`', `+itoa(i%7)+`, 'q', 'p');`,
			`INSERT INTO plain2 VALUES (`+itoa(i)+`, 'w`+itoa(i%4)+`', `+itoa(1+i%60)+`, '`+[]string{"Anna", "Jonas", "Marie", "Felix"}[i%4]+`');`)
	}
	script := ddl + "\n" + strings.Join(ins, "\n")
	for _, engine := range []string{"postgres", "sqlite"} {
		t.Run(engine, func(t *testing.T) {
			var src, dst string
			if engine == "postgres" {
				src, dst = dbtest.Postgres(t), dbtest.Postgres(t)
				dbtest.Exec(t, src, script)
			} else {
				path := dbtest.SQLite(t, "hostile.db")
				db, err := sql.Open("sqlite", path)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec(script); err != nil {
					t.Fatal(err)
				}
				db.Close()
				src, dst = path, filepath.Join(t.TempDir(), "twin.db")
			}
			mustRun(t, "scan", "--source", src)
			// Strict mode names the unmasked columns as keep: takes them.
			empty := filepath.Join(t.TempDir(), "empty.yaml")
			if err := os.WriteFile(empty, []byte("version: 1\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := run(t, "clone", "--source", src, "--target", dst, "-c", empty)
			if code != 2 || !strings.Contains(stderr, `"we.ird"."e.mail" (email`) {
				t.Fatalf("strict mode on hostile names: exit %d\n%s", code, stderr)
			}
			cfg := filepath.Join(t.TempDir(), "dbtwin.yaml")
			mustRun(t, "init", "--source", src, "-o", cfg)
			body, _ := os.ReadFile(cfg)
			if !strings.Contains(string(body), `plain2.\"a.b\"`) {
				t.Errorf("the column a.b is not quoted in keep:\n%s", body)
			}
			out := mustRun(t, "clone", "--source", src, "--target", dst, "-c", cfg)
			if !strings.Contains(out, "leak scan: no original value found") {
				t.Fatalf("no clean leak scan:\n%s\n%s", out, body)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
