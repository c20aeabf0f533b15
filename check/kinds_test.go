package check

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

const referenceChecks = `version: 1
checks:
  - name: orders point at users
    references: {from: "orders(user_id)", to: "users(id)"}
  - name: orders point at users, two orphans allowed
    references: {from: "orders(user_id)", to: "users(id)", nulls: ignore, max_orphans: 2}
  - name: orders point at users, NULL is an orphan
    references: {from: "orders(user_id)", to: "users(id)", nulls: fail, max_orphans: 2}
  - name: shipments match their order's user
    references: {from: "shipments(order_id, user_id)", to: "orders(id, user_id)"}
  - name: subscriptions point at users
    references: {from: "subscriptions(user_id)", to: "users(id)", nulls: fail}
`

func TestReferences(t *testing.T) {
	engines(t, func(t *testing.T, mk func(*testing.T, string) string) {
		rep := run(t, mk(t, production.script()), writeChecks(t, referenceChecks), Options{})
		r := expect(t, rep, "orders point at users", StatusFail,
			"2 rows of orders(user_id) (of 30) find no users(id); max_orphans is 0; 3 NULL, ignored")
		if len(r.Examples) != 2 || r.Examples[0].Value != "998" || r.Examples[1].Value != "999" {
			t.Errorf("examples %+v, want the orphan keys 998 and 999", r.Examples)
		}
		expect(t, rep, "orders point at users, two orphans allowed", StatusPass, "within max_orphans 2")
		r = expect(t, rep, "orders point at users, NULL is an orphan", StatusFail,
			"5 rows of orders(user_id)", "3 NULL, counted as orphans (nulls: fail)")
		if len(r.Examples) == 0 || r.Examples[0].Value != "NULL" || r.Examples[0].Count != 3 {
			t.Errorf("examples %+v, want NULL ×3 first", r.Examples)
		}
		r = expect(t, rep, "shipments match their order's user", StatusFail, "1 row of shipments(order_id, user_id)")
		if len(r.Examples) != 1 || r.Examples[0].Value != "order_id=3, user_id=4" {
			t.Errorf("composite examples %+v, want (3, 4)", r.Examples)
		}
		expect(t, rep, "subscriptions point at users", StatusPass, "90 rows of subscriptions(user_id) all find users(id)")
	})
}

const valueChecks = `version: 1
checks:
  - name: order status known
    accepted: {table: orders, column: status, values: [paid, shipped, refunded]}
  - name: order status known, lost included
    accepted: {table: orders, column: status, values: [paid, shipped, refunded, lost]}
  - name: totals in range
    accepted: {table: orders, column: total, min: 10, max: 250}
  - name: totals positive
    accepted: {table: orders, column: total, min: 1}
  - name: user ids from a list
    accepted: {query: "SELECT id FROM users WHERE id < 5", column: id, values: [1, 2, 3, 4]}
  - name: phones present
    not_null: {table: users, columns: [phone, email], key: [id]}
  - name: emails present
    not_null: {table: users, columns: [email]}
  - name: no order without a user
    rows: {query: "SELECT id, user_id FROM orders WHERE user_id IS NULL ORDER BY id"}
  - name: no negative totals
    rows: "SELECT * FROM orders WHERE total < 0"
`

func TestAcceptedNotNullRows(t *testing.T) {
	engines(t, func(t *testing.T, mk func(*testing.T, string) string) {
		rep := run(t, mk(t, production.script()), writeChecks(t, valueChecks), Options{})
		r := expect(t, rep, "order status known", StatusFail,
			"2 rows (1 distinct value) of 30: status not in [paid, shipped, refunded]")
		if len(r.Examples) != 1 || r.Examples[0] != (Example{Value: "lost", Count: 2}) {
			t.Errorf("examples %+v", r.Examples)
		}
		expect(t, rep, "order status known, lost included", StatusPass)
		r = expect(t, rep, "totals in range", StatusFail, "5 rows (5 distinct values) of 30: total not within [10, 250]")
		if r.Examples[0].Value != "260" {
			t.Errorf("examples %+v, want 260 first", r.Examples)
		}
		expect(t, rep, "totals positive", StatusPass, "within [1, +∞]")
		expect(t, rep, "user ids from a list", StatusPass)
		r = expect(t, rep, "phones present", StatusFail, "6 of 60 rows have NULL (phone: 6 NULL)")
		if len(r.Examples) != 5 || r.Examples[0].Value != "id=10" {
			t.Errorf("not_null examples %+v, want ids 10, 20, ...", r.Examples)
		}
		expect(t, rep, "emails present", StatusPass, "60 rows, no NULL in email")
		r = expect(t, rep, "no order without a user", StatusFail, "the query returned 3 rows; it must return none")
		if len(r.Examples) != 3 || r.Examples[0].Value != "id=20, user_id=NULL" {
			t.Errorf("rows examples %+v", r.Examples)
		}
		expect(t, rep, "no negative totals", StatusPass, "the query returned no rows")
	})
}

// A check whose SQL fails is an error result with the database's message;
// the other checks still run and the exit code is 2.
func TestSQLErrorIsAResult(t *testing.T) {
	engines(t, func(t *testing.T, mk func(*testing.T, string) string) {
		rep := run(t, mk(t, production.script()), writeChecks(t, `version: 1
checks:
  - name: typo in table
    unique: {table: userz, columns: [id]}
  - name: bad bound
    row_count: {table: users, max: "SELECT email FROM users"}
  - name: still runs
    not_null: {table: users, columns: [id]}
`), Options{})
		r := expect(t, rep, "typo in table", StatusError, "userz")
		if len(r.Details) == 0 || !strings.HasPrefix(r.Details[0], "SQL: ") {
			t.Errorf("details %v, want the SQL", r.Details)
		}
		expect(t, rep, "bad bound", StatusError, "max (SELECT email FROM users)")
		expect(t, rep, "still runs", StatusPass)
		if rep.ExitCode() != ExitError || !errors.Is(rep.Err(), ErrChecksErrored) {
			t.Errorf("exit code %d, err %v", rep.ExitCode(), rep.Err())
		}
	})
}

// Checks cannot write: the transaction is read-only on both engines, and a
// writable SQLite handle given by an application stays writable afterwards.
func TestSessionIsReadOnly(t *testing.T) {
	engines(t, func(t *testing.T, mk func(*testing.T, string) string) {
		u := mk(t, production.script())
		db, dialect := openURL(t, u)
		if strings.HasPrefix(u, "sqlite:") {
			// An application's own read-write handle.
			var err error
			db, err = sql.Open("sqlite", strings.TrimPrefix(u, "sqlite:"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.SetMaxOpenConns(1)
		}
		ctx := context.Background()
		s, err := begin(ctx, db, dialect, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.tx.ExecContext(ctx, "DELETE FROM users"); err == nil {
			t.Error("DELETE succeeded inside a check's transaction")
		}
		s.end()
		if dialect == DialectSQLite {
			if _, err := db.ExecContext(ctx, "DELETE FROM users WHERE id = 1"); err != nil {
				t.Errorf("the application's handle stayed read-only after a check: %v", err)
			}
		}
	})
}

// The statement timeout stops a slow check, which becomes an error result.
func TestStatementTimeout(t *testing.T) {
	u := dbtest.Postgres(t)
	rep := run(t, u, writeChecks(t, `version: 1
checks:
  - name: slow
    rows: "SELECT 1 FROM pg_sleep(30)"
`), Options{Timeout: 200 * time.Millisecond})
	expect(t, rep, "slow", StatusError, "timed out after 200ms")
}

// On MySQL/MariaDB the session's statement timeout (max_statement_time or
// max_execution_time) stops the slow statement on the server too.
func TestStatementTimeoutMySQL(t *testing.T) {
	u := dbtest.MySQL(t)
	rep := run(t, u, writeChecks(t, `version: 1
checks:
  - name: slow
    rows: "SELECT SLEEP(30) AS s"
`), Options{Timeout: 300 * time.Millisecond})
	expect(t, rep, "slow", StatusError, "timed out after 300ms")
}

// Fidelity checks without a baseline are a configuration error before anything runs.
func TestFidelityNeedsBaseline(t *testing.T) {
	u := makeSQLite(t, production.script())
	db, dialect := openURL(t, u)
	f := writeChecks(t, `version: 1
checks:
  - name: guests overlap users
    overlap: {a: "users(national_id)", b: "guest_purchases(national_id)"}
`)
	_, err := Run(context.Background(), db, dialect, f, Options{})
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "--baseline") ||
		!strings.Contains(err.Error(), "checks.yaml:3:5") {
		t.Fatalf("err = %v, want a positioned configuration error asking for --baseline", err)
	}
}

// A database error quoting a value does not leak it into the report.
func TestErrorMessagesAreRedacted(t *testing.T) {
	rep := run(t, makePostgres(t, production.script()), writeChecks(t, `version: 1
checks:
  - name: casts an email
    rows: "SELECT CAST(email AS integer) FROM users"
`), Options{})
	r := expect(t, rep, "casts an email", StatusError, `invalid input syntax for type integer: (value not shown)`)
	if strings.Contains(r.Message, "@example.com") {
		t.Errorf("raw value in %q", r.Message)
	}
}

// Canceling the run reports the checks not run as errors.
func TestRunCanceled(t *testing.T) {
	db, dialect := openURL(t, makeSQLite(t, production.script()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := Run(ctx, db, dialect, writeChecks(t, newsletterChecks), Options{})
	if !errors.Is(err, context.Canceled) || len(rep.Results) != 6 || rep.Results[5].Status != StatusError ||
		rep.ExitCode() != ExitError {
		t.Fatalf("err %v, report %+v", err, rep)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for url, want := range map[string]string{
		"sqlite:/nonexistent/dir/app.db":             "checks never create a database",
		"mysql://u:secret@127.0.0.1:1/db?timeout=2s": "connect to",
		"ftp://example.com/x":                        "unrecognised database URL",
	} {
		_, _, err := Open(ctx, url)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, dbtwin.ErrUsage) || strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) = %v, want a usage error containing %q", url, err, want)
		}
	}
	if _, _, err := Open(ctx, "postgres://nobody:secret@127.0.0.1:1/x?connect_timeout=2"); err == nil ||
		strings.Contains(err.Error(), "secret") {
		t.Errorf("Open of an unreachable server = %v, want an error without the password", err)
	}
}
