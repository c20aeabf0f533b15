// Package mysql is dbtwin's MySQL and MariaDB engine. Importing it registers
// the "mysql" driver with dbtwin.Register; URLs are mysql://… or
// mariadb://… (see ParseURL).
//
// # Files
//
//   - driver.go: the Driver, URL parsing, session settings, password-safe
//     errors, identity and quoting.
//   - inspect.go: information_schema queries that fill a dbtwin.Schema
//     (tables, columns with their exact types, primary and unique keys
//     including prefix and functional key parts, foreign keys, checks).
//   - read.go: Source and Snapshot (consistent snapshots, one or several
//     readers sharing one point in time).
//   - write.go, verify.go: Target: LOAD DATA LOCAL INFILE (or multi-row
//     INSERT), reset, the unfinished-twin marker, reference verification.
//   - schema.go: schema copy with SHOW CREATE (tables before the data;
//     indexes, foreign keys, views, routines, triggers and events after).
//   - types.go: type classification and the LOAD DATA text format.
//
// # Snapshots and privileges
//
// Every source session is SET SESSION TRANSACTION READ ONLY and reads inside
// START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY (REPEATABLE READ).
// A snapshot with several readers needs them all to start at one point in
// time: commits are blocked while each reader starts its transaction and
// released at once (ModeLocked; needs the RELOAD privilege). On MariaDB the
// block is BACKUP STAGE BLOCK_COMMIT, which waits only for commits in
// progress; on MySQL it is FLUSH TABLES WITH READ LOCK (mydumper's
// approach), which also waits for running writes, at most 5 s
// (lock_wait_timeout). An account without RELOAD, or a lock not had in
// time, gets ModeSingle: one connection reads every table in turn (SELECT,
// SHOW VIEW, TRIGGER and EVENT are all it needs). Consistency is only
// guaranteed for transactional tables (InnoDB); MyISAM tables are read as
// they are at the moment each is read.
//
// # Values
//
// Statements use the text protocol, so a value is the server's text for it
// (binary strings as their bytes). BIT columns are read as numbers (col+0)
// and written with CAST(… AS UNSIGNED); FLOAT columns are read widened to
// DOUBLE, whose text reloads to the same FLOAT. Sessions use time_zone
// '+00:00', so TIMESTAMP values move unchanged. The target loads with
// sql_mode NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION (no strict mode:
// zero dates the source holds load as they are) and fails a table whose load
// left warnings (a value the server changed).
//
// # Unfinished twins
//
// From MarkIncomplete to MarkComplete the target holds the table
// _dbtwin_incomplete (MarkerTable) with a note; a twin with that table is
// not finished. A failed clone is emptied (Reset).
package mysql
