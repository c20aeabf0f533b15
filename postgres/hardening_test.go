package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/jackc/pgx/v5/pgconn"
)

// Issue 14, item 8: a COPY error printed the failing line, values included.
// Errors name the table, column and line, never the values.
func TestCopyErrorsHideValues(t *testing.T) {
	ctx := context.Background()
	u := dbtest.Postgres(t)
	dbtest.Exec(t, u, `CREATE TABLE t (id int, email text, n int CHECK (n > 0));
CREATE UNIQUE INDEX t_email ON t (email);
INSERT INTO t VALUES (1, 'taken-SECRETVALUE@mail.example.org', 1);`)
	tg := openTarget(t, u, 1)
	tb := &dbtwin.Table{Schema: "public", Name: "t"}
	for name, row := range map[string]dbtwin.Row{
		"bad integer":  {[]byte("50548 SECRETVALUE"), []byte("p50548-SECRETVALUE@mail.example.org"), []byte("1")},
		"unique":       {[]byte("2"), []byte("taken-SECRETVALUE@mail.example.org"), []byte("1")},
		"check":        {[]byte("3"), []byte("p3-SECRETVALUE@mail.example.org"), []byte("-5")},
		"out of range": {[]byte("99999999999"), []byte("x-SECRETVALUE"), []byte("1")},
	} {
		_, err := tg.Write(ctx, tb, []string{"id", "email", "n"}, &sliceRows{rows: []dbtwin.Row{row}})
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		msg := err.Error()
		if strings.Contains(msg, "SECRETVALUE") || strings.Contains(msg, "50548") || strings.Contains(msg, "99999999999") {
			t.Errorf("%s: error shows a value: %s", name, msg)
		}
		if !strings.Contains(msg, "public.t") {
			t.Errorf("%s: error does not name the table: %s", name, msg)
		}
		if name == "bad integer" && !strings.Contains(msg, "line 1, column id") {
			t.Errorf("%s: error does not name line and column: %s", name, msg)
		}
	}
}

func TestScrubValues(t *testing.T) {
	pe := &pgconn.PgError{Severity: "ERROR", Code: "23505",
		Message: `invalid input syntax for type integer: "50548 233 p50548@mail.example.org"`,
		Detail:  `Key (email)=(p50548@mail.example.org) already exists.`,
		Where:   "COPY users, line 3, column id: \"50548 233 p50548@mail.example.org\"\nSQL statement \"x\"",
	}
	msg := describe(fmt.Errorf("write: %w", pe)).Error()
	if strings.Contains(msg, "p50548") || !strings.Contains(msg, "COPY users, line 3, column id") {
		t.Errorf("describe = %s", msg)
	}
	for in, want := range map[string]string{
		`Failing row contains (1, alice@example.org, null).`:       `Failing row contains (values not shown).`,
		`value "99999999999" is out of range for type integer`:     `value (not shown) is out of range for type integer`,
		`duplicate key value violates unique constraint "t_email"`: `duplicate key value violates unique constraint "t_email"`,
		`Key (a, b)=(1, x) is not present in table "p".`:           `Key (a, b)=(values not shown) is not present in table "p".`,
	} {
		if got := scrubValues(in); got != want {
			t.Errorf("scrubValues(%q) = %q", in, got)
		}
	}
}

// Issue 14, item 11: a terminated source session said "read public.big:
// unexpected EOF". It now says the server closed the connection and which
// table was being read.
func TestTerminatedReadSaysSo(t *testing.T) {
	ctx := context.Background()
	u := itemsDB(t, 200000)
	_, snap, items := openSnap(t, u, 1)
	pid := sessionPID(snap)
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("no first row: %v", rows.Err())
	}
	dbtest.Exec(t, u, fmt.Sprintf("SELECT pg_terminate_backend(%d)", pid))
	for rows.Next() {
	}
	err = rows.Err()
	if err == nil {
		t.Fatal("read went on after the session was terminated")
	}
	if !strings.Contains(err.Error(), "server closed the connection while reading table public.items") {
		t.Errorf("error: %v", err)
	}
}
