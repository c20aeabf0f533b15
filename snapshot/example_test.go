package snapshot_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/snapshot"
	_ "github.com/dbtwin/dbtwin/sqlite" // register the SQLite engine
)

// Make a snapshot of a SQLite database, check it and restore it into a new
// file: the restore needs neither the source nor a masking secret.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "snapshot-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	src := dir + "/prod.db"
	if err := makeExampleDB(src); err != nil {
		log.Fatal(err)
	}
	off := false
	_, err = snapshot.Create(ctx, snapshot.CreateOptions{
		Clone:  clone.Options{Source: src, Strict: &off},
		Output: dir + "/twin.dbtwin",
	})
	if err != nil {
		log.Fatal(err)
	}
	f, err := snapshot.Open(dir + "/twin.dbtwin") // checks every chunk's SHA-256
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	info := f.Info()
	fmt.Println(info.Engine, len(info.Tables), "tables,", info.Rows, "rows")
	res, err := snapshot.Restore(ctx, f, snapshot.RestoreOptions{Target: dir + "/twin.db", Jobs: 2})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("verified:", res.Verified)
	// Output:
	// sqlite 2 tables, 3 rows
	// verified: true
}
