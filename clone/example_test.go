package clone_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite"

	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/config"
	_ "github.com/dbtwin/dbtwin/sqlite" // register the SQLite engine
)

// production writes a small "production" database: users, and guest
// purchases that share national IDs with users without a foreign key.
func production(path string) {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`
CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE, national_id text NOT NULL UNIQUE, country text NOT NULL);
CREATE TABLE guest_purchases (id integer PRIMARY KEY, national_id text NOT NULL, amount real NOT NULL);
INSERT INTO users VALUES (1, 'ann.smith@example.com', '111222333', 'NL'), (2, 'bob@example.org', '444555666', 'DE'),
                         (3, 'cy@example.net', '777888999', 'NL');
INSERT INTO guest_purchases VALUES (1, '444555666', 12.5), (2, '123123123', 30), (3, '777888999', 8);`)
	if err != nil {
		log.Fatal(err)
	}
}

// A program builds its configuration in Go, clones production into a
// masked twin, and can rely on the twin keeping production's shapes: the
// guests' national IDs still match users' after masking.
func ExampleRun() {
	dir, err := os.MkdirTemp("", "dbtwin-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	prod, twin := filepath.Join(dir, "production.db"), filepath.Join(dir, "twin.db")
	production(prod)

	cfg := &config.Config{
		Version: 1,
		Mask: []config.TableMask{
			{Table: "users", Columns: []config.ColumnRule{
				{Column: "email", Rule: config.Rule{Transformer: "email"}},
				{Column: "national_id", Rule: config.Rule{Transformer: "digits"}},
			}},
			{Table: "guest_purchases", Columns: []config.ColumnRule{
				{Column: "national_id", Rule: config.Rule{Transformer: "digits"}},
			}},
		},
		Keep: []config.Ref{{Text: "users.country"}},
	}
	res, err := clone.Run(context.Background(), clone.Options{
		Source: prod,
		Target: twin,
		Config: cfg,
		Secret: []byte("a key kept in a secret store, 32+ bytes"),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range res.Tables {
		fmt.Printf("%s: %d rows, masked %v\n", t.Table, t.Rows, t.MaskedCols)
	}
	fmt.Println("verified:", res.Verified, "leaks:", res.LeakReport.Leaks())

	db, err := sql.Open("sqlite", twin)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	var shared int
	if err := db.QueryRow(`SELECT count(*) FROM guest_purchases g JOIN users u ON u.national_id = g.national_id`).Scan(&shared); err != nil {
		log.Fatal(err)
	}
	fmt.Println("guest purchases by users, in the twin:", shared)
	// Output:
	// guest_purchases: 3 rows, masked [national_id]
	// users: 3 rows, masked [email national_id]
	// verified: true leaks: 0
	// guest purchases by users, in the twin: 2
}
