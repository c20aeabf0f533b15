package config_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	_ "github.com/dbtwin/dbtwin/sqlite" // register the SQLite engine
)

// Parse reads dbtwin.yaml text strictly: every mistake is reported at once,
// positioned as file:line:column, with a suggestion where one is close.
func ExampleParse() {
	_, err := config.Parse("dbtwin.yaml", []byte(`version: 1
mask:
  users:
    email: email
kep: [users.country]
subset:
  roots:
    - {table: users, percnt: 10}
`))
	fmt.Println("config error:", config.IsConfigError(err))
	var list config.Errors
	if errors.As(err, &list) {
		for _, e := range list {
			msg, _, _ := strings.Cut(e.Msg, ";") // the rest lists the allowed keys
			fmt.Printf("%s:%d:%d: %s\n", e.Pos.File, e.Pos.Line, e.Pos.Column, msg)
		}
	}
	// Output:
	// config error: true
	// dbtwin.yaml:5:1: unknown key "kep" in the config (did you mean keep?)
	// dbtwin.yaml:8:22: unknown key "percnt" in subset root (did you mean percent?)
}

// A program can build the configuration in Go instead of reading a file,
// and check it against a database's schema as clone.Run does before any
// data moves (see the clone package's example for a clone with it).
func ExampleValidate() {
	dir, err := os.MkdirTemp("", "dbtwin-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		log.Fatal(err)
	}
	_, err = db.Exec(`CREATE TABLE users (id integer PRIMARY KEY, email text, phone text, national_id text, country text);
CREATE TABLE guest_purchases (id integer PRIMARY KEY, national_id text)`)
	db.Close()
	if err != nil {
		log.Fatal(err)
	}

	cfg := &config.Config{
		Version: 1,
		Mask: []config.TableMask{{Table: "users", Columns: []config.ColumnRule{
			{Column: "email", Rule: config.Rule{Transformer: "email"}},
			{Column: "phnoe", Rule: config.Rule{Transformer: "phone", Params: map[string]any{"keep_prefix": 2}}},
		}}},
		Keep: []config.Ref{{Text: "users.country"}},
		Relations: []config.RelationSpec{{
			Kind:      "value",
			FromTable: "guest_purchases", FromColumns: []string{"national_id"},
			ToTable: "users", ToColumns: []string{"national_id"},
		}},
		Subset: &config.Subset{Roots: []config.Root{{Table: "users", Percent: 10}}},
	}

	ctx := context.Background()
	src, err := dbtwin.OpenSource(ctx, path)
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	snap, err := src.Snapshot(ctx, 1)
	if err != nil {
		log.Fatal(err)
	}
	defer snap.Close()
	fmt.Println(config.Validate(cfg, snap.Schema()))
	// Output:
	// dbtwin.yaml: column "phnoe" does not exist in table users (did you mean users.phone?)
}
