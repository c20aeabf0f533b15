package mysql_test

import (
	"context"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/scan"
)

// Sakila with every foreign key dropped: scan finds the links again from
// the data alone.
func TestScanFindsSakilasDroppedForeignKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := dbtest.LoadMySQLFixture(t, "sakila")
	db, err := dbtest.MySQLOpen(src)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
		FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	type link struct{ table, name, col, ref, refCol string }
	var dropped []link
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.table, &l.name, &l.col, &l.ref, &l.refCol); err != nil {
			t.Fatal(err)
		}
		dropped = append(dropped, l)
	}
	rows.Close()
	if len(dropped) < 20 {
		t.Fatalf("Sakila declares %d foreign keys; expected about 22", len(dropped))
	}
	for _, l := range dropped {
		if _, err := db.Exec("ALTER TABLE `" + l.table + "` DROP FOREIGN KEY `" + l.name + "`"); err != nil {
			t.Fatal(err)
		}
	}
	s, err := dbtwin.OpenSource(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	snap, err := s.Snapshot(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if n := len(snap.Schema().Relations()); n != 0 {
		t.Fatalf("%d foreign keys still declared", n)
	}
	res, err := scan.Run(ctx, snap, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, r := range res.Relationships {
		if len(r.From.Columns) == 1 && len(r.To.Columns) == 1 {
			found[r.From.Table+"."+r.From.Columns[0]+"->"+r.To.Table+"."+r.To.Columns[0]] = true
		}
	}
	missed := 0
	for _, l := range dropped {
		k := l.table + "." + l.col + "->" + l.ref + "." + l.refCol
		if !found[k] {
			missed++
			t.Logf("not found: %s", k)
		}
	}
	t.Logf("found %d of %d dropped foreign keys (%d relationships reported)", len(dropped)-missed, len(dropped), len(res.Relationships))
	if missed > 0 {
		t.Errorf("scan missed %d of %d dropped foreign keys", missed, len(dropped))
	}
}
