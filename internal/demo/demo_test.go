package demo

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

func TestBuildIsDeterministicAndShaped(t *testing.T) {
	ctx := context.Background()
	sz := Sizes{Users: 500, GuestPurchases: 300, Orders: 900, SharedGuestIDs: 0.4}
	a, b := filepath.Join(t.TempDir(), "a.db"), filepath.Join(t.TempDir(), "b.db")
	for _, p := range []string{a, b} {
		if err := Build(ctx, p, sz); err != nil {
			t.Fatal(err)
		}
	}
	digest := func(p string) (string, int, int) {
		db, err := sql.Open("sqlite", p)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var d string
		var shared, multi int
		q := `SELECT group_concat(email || national_id || coalesce(phone,''), ',') FROM (SELECT * FROM users ORDER BY id)`
		if err := db.QueryRow(q).Scan(&d); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT count(*) FROM guest_purchases g WHERE EXISTS (SELECT 1 FROM users u WHERE u.national_id = g.national_id)`).Scan(&shared); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT count(*) FROM (SELECT user_id FROM subscriptions GROUP BY user_id HAVING count(*) > 1)`).Scan(&multi); err != nil {
			t.Fatal(err)
		}
		return d, shared, multi
	}
	da, sharedA, multiA := digest(a)
	db, _, _ := digest(b)
	if da != db {
		t.Fatal("two builds with the same sizes differ")
	}
	if sharedA < 80 || sharedA > 160 {
		t.Fatalf("guest purchases sharing a user's national ID: %d of 300, want about 40%%", sharedA)
	}
	if multiA < 100 {
		t.Fatalf("users with several subscriptions: %d, want many", multiA)
	}
}
