// Package dbtwin is the root of dbtwin, a command and a Go library that
// clones a production database into a masked, subsetted, verified twin and
// checks, as code, the data invariants an application depends on.
//
// This package holds the engine-neutral model every other package reads
// (Schema, Table, Column, Key, ForeignKey), the engine interfaces (Source,
// Snapshot, Target, Rows) and database URLs (ParseURL, RedactURL). Most
// programs use the packages below instead.
//
// # Packages
//
//	config      dbtwin.yaml: Load, Parse (strict, file:line:column errors), or build a Config in Go
//	clone       make a twin: clone.Run(ctx, clone.Options{Source, Target, Config, Secret})
//	snapshot    the twin as a file: Create once, Restore anywhere without production or the secret
//	check       data checks (checks.yaml) from Go: check.Must / check.MustRun before a bulk job, check.Run for reports
//	dbtwintest  a fresh twin database per Go test: dbtwintest.New(t, source) returns a *sql.DB
//	mask        the masking transformers (deterministic, unique-safe, format-preserving)
//	subset      referentially closed subsets: plans and row selection
//	scan        personal-data and relationship discovery on samples
//	verify      the leak scan: no original sensitive value survived in a twin
//	fidelity    how closely a twin keeps production's shape, measured during the clone
//	report      the commands' outputs as one self-contained HTML page
//	postgres    the PostgreSQL engine (import for its side effect to register it)
//	mysql       the MySQL and MariaDB engine (import for its side effect to register it)
//	sqlite      the SQLite engine, pure Go (import for its side effect to register it)
//
// # Engines
//
// Like database/sql drivers, engines register themselves when imported.
// clone, scan and verify open databases through the registered engines, so a
// program imports the ones it uses:
//
//	import (
//		"github.com/dbtwin/dbtwin/clone"
//		_ "github.com/dbtwin/dbtwin/postgres"
//		_ "github.com/dbtwin/dbtwin/sqlite"
//	)
//
// Database URLs are postgres://… or postgresql://…, mysql://… or mariadb://…,
// sqlite:PATH, or a plain path ending in .db, .sqlite or .sqlite3. Passwords never appear in an error
// or a report: URLs are printed through RedactURL.
//
// # Errors
//
// Errors say what happened, where (table, column, file:line) and what to do,
// and never carry a row value or a password. Errors caused by how dbtwin was
// called or configured match ErrUsage under errors.Is (the command's exit
// code 2); clone.ErrVerification, check.ErrChecksFailed and a verify report's
// leaks are findings (exit code 1).
//
// # From a Go program
//
// A program builds or loads a config, clones and runs its checks; the
// examples of the clone and check packages do exactly that, and
// examples/signup is a separate module (a tiny sign-up service and its
// tests) that uses only these public packages.
package dbtwin
