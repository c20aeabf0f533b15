// Package postgres is dbtwin's PostgreSQL engine. Importing it registers the
// "postgres" driver with dbtwin.Register.
//
// # Files
//
//   - driver.go: the Driver, connection settings, password-safe errors,
//     identity, quoting and a small session pool.
//   - inspect.go: catalog queries that fill a dbtwin.Schema (tables,
//     partitions, columns with domains resolved, keys including unique and
//     expression/partial indexes, foreign keys, checks, sequences, enums,
//     domains); extension-owned objects and system schemas are left out.
//   - read.go: Source and Snapshot. A snapshot is one REPEATABLE READ READ
//     ONLY transaction that exports its snapshot (pg_export_snapshot) and
//     readers-1 more that import it (SET TRANSACTION SNAPSHOT).
//   - copyout.go: streaming COPY ... TO STDOUT through an io.Pipe, as decoded
//     rows or as raw COPY text (dbtwin.RawRows).
//   - write.go, verify.go: Target: COPY ... FROM STDIN, reset, markers,
//     verification of constraints and references.
//   - schema.go, sqlscript.go: schema copy with pg_dump (pre-data before the
//     data, post-data and sequence values after it).
//   - types.go: type classification and the COPY text codec.
//
// # Source sessions
//
// Every source session runs SET default_transaction_read_only = on and reads
// inside BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY. Every statement a
// snapshot session runs is bracketed by a savepoint, so a failed or cancelled
// read (Rows.Close before the end cancels the COPY on the server) returns the
// session to the snapshot, still usable. A session that breaks is replaced by
// a new one importing the same snapshot while the exporting one lives.
//
// # Data path
//
// Snapshot.Read runs COPY (SELECT ...) TO STDOUT (or COPY table (cols) TO
// STDOUT for a plain full read) on a free session; a goroutine writes the
// COPY text into an io.Pipe in 64 KiB chunks. Rows decode it in place (fields
// alias a reused buffer until the next Next); Raw hands the bytes over
// untouched, and Target.Write sends them to COPY ... FROM STDIN as they come.
// Other Rows are encoded to COPY text by a reader that fills a bounded
// buffer on demand. Memory stays bounded whatever the table size.
//
// # Schema
//
// Target.CreateSchema runs pg_dump --schema-only --section=pre-data (and,
// at the same time, --section=post-data) with --snapshot=<exported id>, so
// the schema is the snapshot's. The newest pg_dump on PATH or in
// /usr/lib/postgresql/*/bin is used; it must be at least the server's major
// version. The password reaches pg_dump through PGPASSWORD, never its command
// line. psql meta-commands (\restrict ...) are dropped and the statements run
// in one transaction. Owners, grants, tablespaces, security labels,
// publications and subscriptions are not copied.
package postgres
