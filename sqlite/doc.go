// Package sqlite is dbtwin's SQLite engine, built on modernc.org/sqlite (pure
// Go, database/sql driver "sqlite"). Importing it registers the engine as
// "sqlite"; URLs are sqlite:PATH, sqlite://PATH or a plain path ending in
// .db, .sqlite or .sqlite3.
//
// # Files
//
//	driver.go      Driver (OpenSource, OpenTarget), URLs to paths, Identity, quoting
//	inspect.go     the schema from sqlite_master and the PRAGMAs: tables, columns, keys, uniques
//	inspect_fk.go  foreign keys (composite, implicit parent key, names, DEFERRABLE)
//	sqlparse.go    a small tokenizer for CREATE TABLE / CREATE INDEX texts
//	tabledef.go    what only the CREATE TABLE text tells: generated expressions, CHECKs, names
//	types.go       affinity, Kind, value text forms and binding
//	read.go        Source, Snapshot: one read transaction on one connection
//	rows.go        Rows over database/sql with storage classes (ClassedRows)
//	write.go       Target: partial file, MarkComplete's atomic rename, Close, Count
//	schema.go      CreateSchema and PostData (indexes, views, triggers, AUTOINCREMENT counters)
//	load.go        Write: batched, prepared multi-row INSERTs
//	verify.go      Verify: foreign_key_check and quick_check
//	virtual.go     virtual tables (FTS, R*Tree): how their contents are copied
//
// # Source
//
// A source file must exist (it is never created) and is opened read-only
// (mode=ro and PRAGMA query_only). Inspect lists the ordinary tables sorted by
// name, unqualified (Schema ""), leaving out views and sqlite_* tables. FTS5,
// R*Tree and Geopoly virtual tables that hold their own rows are listed as
// tables (an FTS table with a "rowid" column first, its key); their shadow
// tables are not (see virtual.go for the other kinds). Column details come from PRAGMA
// table_xinfo; generation expressions, CHECK constraints, constraint names
// and DEFERRABLE from the CREATE TABLE text (best effort); unique keys from
// PRAGMA index_list/index_xinfo with expressions and WHERE clauses read from
// the CREATE INDEX text. An INTEGER PRIMARY KEY (a rowid alias) is reported
// NOT NULL with Identity "by default". An unnamed foreign key is named
// "table_columns_fkey" as PostgreSQL would name it. RowEstimate comes from sqlite_stat1, else -1.
//
// A Snapshot is one read transaction (BEGIN, then a first read) on one
// connection. Every Read, Query and Count shares it; several Rows may be open
// at once and are stepped one row at a time (SQLite runs one statement of a
// connection at a time), so readers interleave and nested reads cannot
// deadlock. Cancelling the context of one read interrupts the connection,
// so concurrent reads of the same snapshot may fail too.
//
// # Values
//
// Rows carry each value as text: NULL as nil, INTEGER in decimal, REAL in
// the shortest form that reads back to the same float64 (strconv 'g', -1),
// TEXT as its bytes, BLOB as raw bytes. Columns declared DATE, DATETIME or
// TIMESTAMP are read through a unary + so the driver does not turn their
// text into time.Time. The Rows also report each field's storage class
// (ClassedRows).
//
// Write binds each field by its storage class when the Rows it is given
// reports classes, and otherwise by the target column's affinity: INTEGER and
// NUMERIC bind an int64 or float64 when the text parses as a decimal number,
// REAL a float64, TEXT a string, BLOB or no declared type []byte. Either way
// values come back with the same storage class as in the source, with one
// known loss when classes are not available (rows rewritten by a pipeline
// step that does not forward StorageClasses): a TEXT, INTEGER or REAL value
// in a column without a declared type (or declared BLOB) becomes a BLOB of the
// same bytes, and a BLOB in a column of another affinity becomes TEXT.
//
// # Target
//
// The twin is built in PATH.dbtwin-partial (a stale one is removed first)
// with journal_mode=OFF, synchronous=OFF, foreign_keys=OFF and a large cache.
// CreateSchema creates the source's tables from their CREATE TABLE texts in
// creation order, after copying page_size, auto_vacuum, encoding,
// user_version and application_id. Write inserts 100 rows a statement, about
// 10,000 rows a transaction, one writer at a time. PostData creates the
// indexes, views and triggers (after the data, so triggers do not fire during
// the load), copies sqlite_sequence (AUTOINCREMENT counters end as in the
// source) and runs ANALYZE if the source had sqlite_stat1. Verify runs PRAGMA
// foreign_key_check and quick_check on the partial file. MarkComplete
// switches it to journal_mode=DELETE, closes and syncs it, and renames it
// over PATH: until then PATH is untouched, so a failed clone never looks
// complete, and Close without MarkComplete removes the partial file. A PATH
// that already has tables is replaced only after Reset (--replace).
//
// Known gaps: only a SQLite source can be cloned into a SQLite target;
// contentless FTS tables and modules this build lacks (FTS3/4) are copied
// byte for byte, out of reach of masking rules except through their shadow
// tables; rowids of
// tables without an INTEGER PRIMARY KEY are renumbered.
package sqlite
