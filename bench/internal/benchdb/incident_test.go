package benchdb

import (
	"context"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// A small incident database has the documented shape: row counts, unique
// personal columns, guests sharing users' national IDs without a key.
func TestBuildIncidentShape(t *testing.T) {
	db := dbtest.Postgres(t)
	const users = 2000
	if err := BuildIncident(context.Background(), db, users); err != nil {
		t.Fatal(err)
	}
	for table, want := range IncidentRows(users) {
		if got := dbtest.QueryInt(t, db, "SELECT count(*) FROM "+table); got != want {
			t.Errorf("%s: %d rows, want %d", table, got, want)
		}
	}
	checks := map[string]int64{
		"SELECT count(DISTINCT lower(email)) FROM users":                                              users,
		"SELECT count(DISTINCT national_id) FROM users WHERE national_id ~ '^[0-9]{11}$'":             users,
		"SELECT count(DISTINCT phone) FROM users WHERE phone ~ '^\\+55 [0-9]{2} 9[0-9]{4}-[0-9]{4}$'": users,
		"SELECT count(*) FROM users WHERE profile ? 'phone' AND profile ? 'recovery_email'":           users,
		"SELECT count(*) FROM guest_purchases g JOIN users u USING (national_id)":                     users / 2 * 2 / 5,
	}
	for q, want := range checks {
		if got := dbtest.QueryInt(t, db, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	distinct := dbtest.QueryInt(t, db, "SELECT count(DISTINCT last_name) FROM users")
	if distinct < users*9/10 || distinct == users {
		t.Errorf("%d distinct last names of %d users, want about 94%%", distinct, users)
	}
	if fk := dbtest.QueryInt(t, db, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"); fk != 2 {
		t.Errorf("%d foreign keys, want 2 (orders and subscriptions to users)", fk)
	}
}
