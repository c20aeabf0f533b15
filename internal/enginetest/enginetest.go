// Package enginetest is the conformance suite every dbtwin engine passes,
// written once and run against PostgreSQL, SQLite and MySQL/MariaDB (in the
// style of restic's backend tests): exact round trip, one consistent
// snapshot under concurrent writes, refusals (target = source, a non-empty
// target without --replace), verification of references, and a failed
// clone that never looks complete.
//
// An engine's test file describes the engine with an Engine value and calls
// Run. The suite's SQL is the subset the three engines share.
package enginetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/clone"
)

// Engine describes one engine to the suite.
type Engine struct {
	// Name is the engine's name ("postgres", "sqlite", "mysql").
	Name string
	// NewDB returns the URL of a new, empty database for the test (a file
	// path that does not exist yet for SQLite).
	NewDB func(t *testing.T) string
	// Open returns a database/sql handle on a URL, used to write test data
	// and to write concurrently to a source. The suite closes it.
	Open func(t *testing.T, url string) *sql.DB
	// Digests returns "rows:digest" per table, equal exactly when two
	// databases hold the same values.
	Digests func(t *testing.T, url string) map[string]string
	// Types maps the suite's portable type names (int, bigint, text,
	// varchar, bytes, decimal, bool, timestamp) to the engine's spelling.
	Types map[string]string
	// NoFKChecks are the statements that let a session insert a row whose
	// parent is missing (they run on the same connection as the insert).
	NoFKChecks []string
	// Incomplete reports whether a target carries the engine's
	// "unfinished clone" marker.
	Incomplete func(t *testing.T, url string) bool
}

// Run runs the whole suite against e.
func Run(t *testing.T, e Engine) {
	t.Run("RoundTrip", func(t *testing.T) { t.Parallel(); testRoundTrip(t, e) })
	t.Run("SnapshotUnderConcurrentWrites", func(t *testing.T) { t.Parallel(); testSnapshot(t, e) })
	t.Run("Refusals", func(t *testing.T) { t.Parallel(); testRefusals(t, e) })
	t.Run("Verification", func(t *testing.T) { t.Parallel(); testVerification(t, e) })
	t.Run("FailedCloneNeverLooksComplete", func(t *testing.T) { t.Parallel(); testFailedClone(t, e) })
}

func (e Engine) ty(name string) string {
	if s, ok := e.Types[name]; ok {
		return s
	}
	return name
}

// exec runs statements, one by one, on one connection of a new handle.
func (e Engine) exec(t *testing.T, url string, stmts ...string) {
	t.Helper()
	db := e.Open(t, url)
	defer db.Close()
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, s := range stmts {
		if _, err := c.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %s: %v", e.Name, s, err)
		}
	}
}

// schema creates customers and orders (with a foreign key) and fills them
// with values that must survive exactly: NULL and empty strings, quotes,
// backslashes, tabs and newlines, emoji, bytes including NUL, large and
// negative decimals.
func (e Engine) schema(t *testing.T, url string) {
	t.Helper()
	e.exec(t, url,
		"CREATE TABLE customers (id "+e.ty("int")+" PRIMARY KEY, email "+e.ty("varchar")+" NOT NULL UNIQUE, name "+e.ty("text")+
			", photo "+e.ty("bytes")+", balance "+e.ty("decimal")+", vip "+e.ty("bool")+", seen "+e.ty("timestamp")+")",
		"CREATE TABLE orders (id "+e.ty("bigint")+" PRIMARY KEY, customer_id "+e.ty("int")+" REFERENCES customers (id), note "+e.ty("text")+")",
		`INSERT INTO customers VALUES (1, 'a@x.org', 'Ann O''Neil', NULL, 12345678901234.56789, TRUE, '2024-02-29 23:59:59')`,
		`INSERT INTO customers VALUES (2, 'b@x.org', '', `+e.bytesLiteral([]byte{0, 1, 0xff, '\\', '\n'})+`, -0.00001, FALSE, NULL)`,
		`INSERT INTO customers VALUES (3, 'c@x.org', NULL, `+e.bytesLiteral(nil)+`, NULL, NULL, '1970-01-01 00:00:01')`,
		"INSERT INTO customers VALUES (4, 'd😀@x.org', 'tab\tnew\nline \\ back', NULL, 0, TRUE, '2038-01-19 03:14:07')",
		"INSERT INTO orders VALUES (1, 1, 'first'), (2, 1, NULL), (3, 2, ''), (4, NULL, 'no customer')",
	)
}

func (e Engine) bytesLiteral(b []byte) string {
	h := fmt.Sprintf("%x", b)
	if e.Name == "postgres" {
		return `'\x` + h + `'::bytea`
	}
	return "X'" + h + "'"
}

func cloneRun(ctx context.Context, src, dst string, replace bool) (*clone.Result, error) {
	off := false
	return clone.Run(ctx, clone.Options{Source: src, Target: dst, Jobs: 2, Strict: &off, Replace: replace})
}

func testRoundTrip(t *testing.T, e Engine) {
	src, dst := e.NewDB(t), e.NewDB(t)
	e.schema(t, src)
	before := e.Digests(t, src)
	res, err := cloneRun(context.Background(), src, dst, false)
	if err != nil {
		t.Fatalf("clone: %v", err)
	}
	if !res.Verified {
		t.Fatalf("clone not verified: %v", res.Verification)
	}
	after := e.Digests(t, dst)
	if len(before) != 2 {
		t.Fatalf("source digests: %v", before)
	}
	for table, d := range before {
		if after[table] != d {
			t.Errorf("%s: table %s differs: source %s, twin %s", e.Name, table, d, after[table])
		}
	}
	if got := e.Digests(t, src); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Errorf("%s: the clone changed the source", e.Name)
	}
}

// testSnapshot writes to the source all the time (each transaction moves
// one unit between two accounts and logs the move in a second table) while
// snapshots with two readers read both tables at once: every snapshot sees
// the balances summing to the start total and exactly as many log rows as
// moves applied to the accounts.
func testSnapshot(t *testing.T, e Engine) {
	ctx := context.Background()
	src := e.NewDB(t)
	e.exec(t, src,
		"CREATE TABLE accounts (id "+e.ty("int")+" PRIMARY KEY, balance "+e.ty("bigint")+" NOT NULL, moves "+e.ty("bigint")+" NOT NULL)",
		"CREATE TABLE moves (id "+e.ty("bigint")+" PRIMARY KEY, amount "+e.ty("int")+" NOT NULL)",
		"INSERT INTO accounts VALUES (1, 1000, 0), (2, 1000, 0), (3, 1000, 0), (4, 1000, 0)",
	)
	db := e.Open(t, src)
	defer db.Close()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var applied atomic.Int64
	var writeErr atomic.Value
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := int64(1); ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			a, b := 1+i%4, 1+(i+1)%4
			err := func() error {
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					return err
				}
				defer tx.Rollback()
				for _, q := range []string{
					fmt.Sprintf("UPDATE accounts SET balance = balance - 1, moves = moves + 1 WHERE id = %d", a),
					fmt.Sprintf("INSERT INTO moves VALUES (%d, 1)", i),
					fmt.Sprintf("UPDATE accounts SET balance = balance + 1 WHERE id = %d", b),
				} {
					if _, err := tx.ExecContext(ctx, q); err != nil {
						return err
					}
				}
				return tx.Commit()
			}()
			if err != nil {
				if isBusy(err) {
					i--
					continue
				}
				writeErr.Store(err)
				return
			}
			applied.Add(1)
		}
	}()
	defer func() { close(stop); wg.Wait() }()

	s, err := dbtwin.OpenSource(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seen := 0
	for round := 0; round < 8 || seen < 3; round++ {
		if round > 200 {
			t.Fatalf("%s: the writer applied %d moves; snapshots saw writes in only %d rounds", e.Name, applied.Load(), seen)
		}
		snap, err := s.Snapshot(ctx, 2)
		if err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		schema := snap.Schema()
		var sum, movesOnAccounts, moveRows int64
		var wgR sync.WaitGroup
		var errA, errB error
		wgR.Add(2)
		go func() {
			defer wgR.Done()
			errA = readAll(ctx, snap, schema.Table("accounts"), func(r dbtwin.Row) {
				sum += parseInt(r[1])
				movesOnAccounts += parseInt(r[2])
			})
		}()
		go func() {
			defer wgR.Done()
			errB = readAll(ctx, snap, schema.Table("moves"), func(dbtwin.Row) { moveRows++ })
		}()
		wgR.Wait()
		snap.Close()
		if err := errors.Join(errA, errB); err != nil {
			t.Fatalf("read: %v", err)
		}
		if sum != 4000 {
			t.Fatalf("%s: snapshot %d saw balances summing to %d, want 4000 (a transaction seen half)", e.Name, round, sum)
		}
		if movesOnAccounts != moveRows {
			t.Fatalf("%s: snapshot %d saw %d moves on the accounts but %d move rows: the two readers saw different points in time",
				e.Name, round, movesOnAccounts, moveRows)
		}
		if moveRows > 0 {
			seen++
		}
		if v := writeErr.Load(); v != nil {
			t.Fatalf("writer: %v", v)
		}
	}
}

func isBusy(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "busy") || strings.Contains(s, "locked") || strings.Contains(s, "deadlock")
}

func readAll(ctx context.Context, snap dbtwin.Snapshot, tb *dbtwin.Table, each func(dbtwin.Row)) error {
	if tb == nil {
		return errors.New("table missing from the snapshot's schema")
	}
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: tb})
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		each(rows.Row())
	}
	return rows.Err()
}

func parseInt(b []byte) int64 {
	var n int64
	neg := false
	for i, c := range b {
		if i == 0 && c == '-' {
			neg = true
			continue
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

func testRefusals(t *testing.T, e Engine) {
	ctx := context.Background()
	src, dst := e.NewDB(t), e.NewDB(t)
	e.schema(t, src)
	before := e.Digests(t, src)
	if _, err := cloneRun(ctx, src, src, true); err == nil || !errors.Is(err, dbtwin.ErrUsage) || !strings.Contains(err.Error(), "source") {
		t.Errorf("%s: clone into the source itself: err = %v, want a usage error about the source", e.Name, err)
	}
	e.exec(t, dst, "CREATE TABLE keepme (id "+e.ty("int")+" PRIMARY KEY)", "INSERT INTO keepme VALUES (7)")
	if _, err := cloneRun(ctx, src, dst, false); err == nil || !errors.Is(err, dbtwin.ErrUsage) || !strings.Contains(err.Error(), "--replace") {
		t.Errorf("%s: clone into a non-empty target: err = %v, want a usage error naming --replace", e.Name, err)
	}
	if d := e.Digests(t, dst); !hasTable(d, "keepme") {
		t.Errorf("%s: the refused clone touched the non-empty target: %v", e.Name, d)
	}
	if _, err := cloneRun(ctx, src, dst, true); err != nil {
		t.Fatalf("%s: clone with --replace: %v", e.Name, err)
	}
	after := e.Digests(t, dst)
	if hasTable(after, "keepme") || len(after) != len(before) {
		t.Errorf("%s: --replace left %v, want exactly the source's tables", e.Name, after)
	}
	if fmt.Sprint(e.Digests(t, src)) != fmt.Sprint(before) {
		t.Errorf("%s: the source changed", e.Name)
	}
}

// hasTable reports whether digests name the table (qualified or not).
func hasTable(digests map[string]string, name string) bool {
	for k := range digests {
		if k == name || strings.HasSuffix(k, "."+name) {
			return true
		}
	}
	return false
}

// testVerification: a clean twin verifies with every foreign key counted;
// a row whose parent is missing is counted against its foreign key.
func testVerification(t *testing.T, e Engine) {
	ctx := context.Background()
	src, dst := e.NewDB(t), e.NewDB(t)
	e.schema(t, src)
	if _, err := cloneRun(ctx, src, dst, false); err != nil {
		t.Fatal(err)
	}
	s, err := dbtwin.OpenSource(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	schema, err := s.Inspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	verify := func() *dbtwin.Verification {
		tg, err := dbtwin.OpenTarget(ctx, dst, dbtwin.TargetOptions{Writers: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer tg.Close()
		v, err := tg.Verify(ctx, schema)
		if err != nil {
			t.Fatalf("%s: verify: %v", e.Name, err)
		}
		return v
	}
	v := verify()
	if !v.OK() || len(v.DanglingReferences) != 1 {
		t.Fatalf("%s: clean twin: %+v, want OK with one foreign key counted", e.Name, v)
	}
	e.exec(t, dst, append(e.NoFKChecks, "INSERT INTO orders VALUES (99, 12345, 'orphan')")...)
	v = verify()
	var n int64
	for _, c := range v.DanglingReferences {
		n += c
	}
	if v.OK() || n != 1 {
		t.Fatalf("%s: twin with one orphan: %+v, want one dangling reference", e.Name, v)
	}
}

// cancelOnData cancels the clone as soon as the first table's data moves.
type cancelOnData struct{ cancel context.CancelFunc }

func (c cancelOnData) Start([]clone.PlannedTable)            {}
func (c cancelOnData) TableStarted(string)                   { c.cancel() }
func (c cancelOnData) Advance(string, int64, int64)          {}
func (c cancelOnData) TableDone(string, int64, int64, error) {}
func (c cancelOnData) Finish()                               {}

// testFailedClone interrupts a clone while its data moves: the target is
// then empty or marked unfinished, never a twin that looks complete.
func testFailedClone(t *testing.T, e Engine) {
	src, dst := e.NewDB(t), e.NewDB(t)
	e.schema(t, src)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	off := false
	_, err := clone.Run(ctx, clone.Options{Source: src, Target: dst, Jobs: 1, Strict: &off, Progress: cancelOnData{cancel}})
	if err == nil {
		t.Fatalf("%s: the interrupted clone reported success", e.Name)
	}
	tables := 0
	if e.exists(dst) {
		tables = len(e.Digests(t, dst))
	}
	if tables > 0 && !e.Incomplete(t, dst) {
		t.Errorf("%s: after a failed clone the target has %d tables and no unfinished marker: it looks complete", e.Name, tables)
	}
}

// exists reports whether a database can be opened as a source (a SQLite
// target file is only created when the clone completes).
func (e Engine) exists(url string) bool {
	s, err := dbtwin.OpenSource(context.Background(), url)
	if err != nil {
		return false
	}
	s.Close()
	return true
}
