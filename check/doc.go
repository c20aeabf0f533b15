// Package check runs data invariants, written in a checks.yaml file, against
// a database: in CI against a twin, read-only against production, or
// in-process before a bulk job. It is what `dbtwin check` runs.
//
// The newsletter incident that motivated it: a JOIN duplicated every
// recipient and users received dozens of copies. The safeguard people wished
// for, "more emails to send than users: stop", reads:
//
//	version: 1
//	queries:
//	  recipients: |
//	    SELECT u.email FROM users u JOIN subscriptions s ON s.user_id = u.id WHERE s.active
//	checks:
//	  - name: each recipient once
//	    unique: {query: recipients, columns: [email]}
//	  - name: never more recipients than users
//	    row_count: {query: recipients, max: "SELECT count(*) FROM users"}
//
// and reports, on the broken query:
//
//	✗ each recipient once (unique): 4,812 rows for 1,200 distinct emails, ×4.0 (…)
//	    examples: j***@***.com ×12, …
//
// # The file
//
// Top-level keys: version (1, required), queries (name → SQL), checks (a list).
// Each check has a name (unique in the file), exactly one kind, and
// optionally severity (error, the default, or warn: a failing warn check is
// reported but does not fail the run), examples (how many offending values
// to show, default 5) and redact (default true).
//
// Where a check takes a query, a simple name (letters, digits, _ . -) must
// name an entry of queries:, and anything else is SQL written inline.
// Tables are "users" or "schema.users"; identifiers are quoted as written
// (use the case the database stores). ${VAR} in any string is replaced by
// the environment variable VAR (an unset VAR is an error; $${ writes a
// literal ${). Unknown keys, wrong types, unknown query names and checks with
// zero or several kinds are errors positioned as file:line:column, with a
// "did you mean" where a close match exists; every problem is reported at
// once in a *ConfigError.
//
// # Kinds
//
//	unique      {table|query, columns}          no two rows share the columns' values
//	not_null    {table|query, columns, key?}    no NULL in any column (key: columns shown as examples)
//	accepted    {table|query, column, values}   every non-NULL value is listed
//	            {table|query, column, min, max} or lies in the range (either bound optional)
//	row_count   {table|query, min, max, scale?} the row count lies within the bounds
//	references  {from, to, nulls?, max_orphans?} every from row finds a to row
//	rows        {query} or "query"              the query returns no rows
//	overlap     {a, b, tolerance?}              fidelity: share of b's values found in a
//	fanout      {from, to, tolerance?}          fidelity: children per parent
//	profile     {table, column, null_fraction?, distinct_ratio?}  fidelity: column shape
//
// unique ignores rows with a NULL in any of the columns, as SQL does (their
// count is observed as null_rows); its message gives rows against distinct
// values and the fan-out factor. row_count bounds are numbers or SQL (or a
// query name) returning one number; scale widens them: max × scale and
// min ÷ scale. references reads "table(col, ...)" on both sides (composite
// keys pair up in order) with NOT EXISTS semantics; nulls: ignore (the
// default) skips rows with a NULL in the referencing columns, nulls: fail
// counts them as orphans; up to max_orphans (default 0) orphans pass.
//
// The fidelity kinds compare the database with a baseline, the source the
// twin was made from (Options.Baseline; --baseline on the command line). A
// file with a fidelity check and no baseline is a configuration error
// before anything runs. overlap measures the fraction of b's distinct
// non-NULL values present in a and fails when it differs from the
// baseline's by more than tolerance (absolute, default 0.1). fanout counts
// the from rows of each to row (parents without children count as 0),
// computes p50, p99 (nearest rank, in Go from a GROUP BY histogram, so every
// engine gives the same numbers) and max, and fails when one differs from the
// baseline's by more than tolerance relative to the baseline value (default
// 0.25). profile compares a column's NULL fraction and distinct ratio
// (distinct / non-NULL) with absolute tolerances.
//
// # Results
//
// Each Result has a status (pass, fail, warn, error), a one-line message,
// details, up to examples offending values with their counts, and the
// numbers measured under Observed (and Baseline for fidelity checks):
//
//	unique      rows, distinct, duplicate_groups, duplicate_rows, max_per_value, fanout, null_rows
//	not_null    rows, null_rows, null_<column>
//	accepted    rows, non_null, rejected_rows, rejected_distinct
//	row_count   rows, min, max (after scale), factor (rows / max when above it)
//	references  rows, null_rows, orphans, max_orphans
//	rows        rows
//	overlap     b_distinct, present_in_a, fraction
//	fanout      parents, children, p50, p99, max
//	profile     rows, null_fraction, distinct_ratio
//
// A check whose SQL fails (or times out) is an error result carrying the
// database's message and the SQL; the other checks still run.
//
// Example values that look personal are redacted unless a check says
// redact: false or Options.NoRedact is set: e-mail addresses
// ("j***@***.com"), phone numbers and digit strings of 7 or more digits (all
// but the last two digits hidden), and values of columns whose name says they
// hold a name, an e-mail, a phone, an address, an ID number and the like
// (first character only). Database error messages are redacted the same way.
//
// # Running
//
// Open opens a dbtwin URL (postgres://…, sqlite:PATH, path.db) as a
// *sql.DB: PostgreSQL through pgx, SQLite read-only (mode=ro). Run executes
// each check in its own read-only transaction on one connection, bounded by
// Options.Timeout: BEGIN READ ONLY (repeatable read, so a check's statements
// see one snapshot) and SET LOCAL statement_timeout on PostgreSQL, PRAGMA
// query_only on SQLite (restored afterwards, so an application's own handle
// stays writable). Nothing is ever written.
//
// Report.ExitCode is 0 when every check passed (warnings included), 1 when a
// check failed and 2 when a check could not run; configuration errors (a
// *ConfigError, or any error matching dbtwin.ErrUsage) are exit code 2 too.
// Write renders a report as text, as versioned JSON ("version": 1, stable
// field names) or as JUnit XML (one testsuite, one testcase per check,
// failure and error elements) for CI test views.
//
// From Go, Must loads a file, runs it and returns an error describing the
// failures; see the examples. Load, Run and Report give the details.
package check
