// Package clone makes a twin: it reads a source database inside one
// consistent, read-only snapshot and writes schema and data into a target.
//
// The steps, in order:
//
//  1. open source and target; refuse a target that is the source, or that
//     already has tables (unless Replace);
//  2. open the snapshot (parallel readers share it) and inspect the schema;
//  3. check the configuration against the schema and build the per-table
//     jobs: which columns, which rows (subsets), which transforms (masking);
//  4. mark the target incomplete, create the pre-data schema, run the
//     pipeline, apply the post-data schema (indexes, constraints, triggers,
//     sequence values);
//  5. verify: row counts, constraint validity, dangling references;
//  6. mark the target complete.
//
// A failure at any step leaves the target emptied (PostgreSQL) or untouched
// (SQLite writes to a side file renamed into place only at the end), and the
// error names the step and the table.
package clone
