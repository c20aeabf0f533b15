// Package dbtwintest gives each Go test its own fresh database holding a
// twin of production: the same schema, shapes and relationships, no real
// person's data. Tests then meet the rows an empty database or a mock never
// has (the overlooked guest table, the subscriptions that make a JOIN
// duplicate addresses) and stay isolated from each other.
//
//	func TestSignup(t *testing.T) {
//		t.Parallel()
//		db := dbtwintest.New(t, os.Getenv("TWIN_URL")) // *sql.DB, dropped when the test ends
//		...
//	}
//
// The source is a twin made with `dbtwin clone` (or clone.Run), given as a
// PostgreSQL URL or a SQLite file, or a snapshot file made with `dbtwin
// snapshot create` (or snapshot.Create). It is only read.
//
// Copy does the same outside a test (TestMain, a development server, a
// script) and returns a release function instead of using t.Cleanup.
//
// # PostgreSQL
//
// The first New for a source in a test process prepares a template database
// named dbtwintest_tpl_<source>_<state>: a clone of the source (made with the
// clone package, so pg_dump must be installed), with connections forbidden
// (ALLOW_CONNECTIONS false) so that it can always be copied. Each test then
// gets CREATE DATABASE dbtwintest_<test name>_<random> TEMPLATE … and a
// *sql.DB on it (pgx), and DROP DATABASE … WITH (FORCE) when it ends.
//
// Test processes share the template: go test runs packages in parallel
// processes, and a session advisory lock on the template's name lets one of
// them build it while the others wait and reuse it. The <state> part of the
// name is a digest of the source's relations: their object ids (a re-cloned
// twin has new ones), catalog row versions (ALTER TABLE changes them) and
// the server's insert/update/delete counters. So a changed source gets a new
// template, and the template of its previous state is dropped. The counters
// are the server's statistics, flushed within about a second of a write:
// a test started right after someone wrote rows to the twin may still get
// the previous template.
//
// The admin database (WithAdminURL; by default the source URL with the
// database "postgres") creates and drops the databases: its role needs
// CREATEDB. Databases of a test process that was killed keep their
// dbtwintest_ names: drop them by hand.
//
// # Snapshot files
//
// A snapshot is checked (snapshot.Open: every chunk's SHA-256) and restored
// once per test process and file state (path, size, modification time)
// into the template: a template database on PostgreSQL, on the server named
// by WithAdminURL or else the environment variable DBTWINTEST_POSTGRES_URL
// (a snapshot carries no server); a template file on SQLite. Tests then get
// their copies exactly as from a URL source. A twin made once in CI as a
// snapshot thus reaches every test without production access.
//
// # SQLite
//
// The first New for a source state writes a consistent copy of the file
// (VACUUM INTO, source opened read-only) to $TMPDIR/dbtwintest/; each test
// gets a copy of it in t.TempDir(), opened with foreign keys enforced and a
// 5 s busy timeout. The state is the file's size and modification time
// (and its -wal file's).
//
// # Servers that are not there
//
// When the PostgreSQL server cannot be reached, New skips the test, or
// fails it when the environment variable CI is "true" (a database test must
// never silently skip in CI). Every other problem fails the test with a
// message saying what to do.
//
// # Checks
//
// WithChecks runs a checks.yaml (see the check package) against the new
// database before the test starts: the twin has the shape the test relies
// on. DB.Check runs one later, after the code under test wrote to it.
//
// # Cost
//
// The README (Go library and tests) gives the per-test cost measured by this
// package's test of 50 parallel tests: on SQLite a few milliseconds; on
// PostgreSQL what the server takes to create a database from a template,
// about the cost of creating an empty one.
package dbtwintest
