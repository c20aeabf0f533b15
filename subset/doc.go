// Package subset chooses a small, referentially complete part of a source
// database for a twin: no selected row references a row that is not
// selected, and no table that has rows in the source ends up empty unless
// the configuration says so.
//
// # Use
//
//	p, err := subset.NewPlan(schema, extraRelations, cfg.Subset) // validates names and settings
//	err = p.Estimate(ctx, snap)                                   // optional: row estimates for `dbtwin plan`
//	p.WriteText(os.Stdout)                                        // or json.Marshal(p)
//	sel, err := subset.Select(ctx, snap, p, subset.Options{})
//	where, keep, err := sel.Filter(table, columns)                // per table, how the clone reads it
//	sel.Tables()                                                  // rows selected and how they were reached
//
// # Rules
//
// Roots choose the first rows: every row matching where, or a deterministic
// percent of them (rows whose identity hash, seeded by the table name, falls
// in the first percent of the hash space), or the first limit rows by
// order_by then the primary key (for a table without a key and no order_by:
// the limit rows with the smallest hashes; for a partitioned root, limit
// applies per partition).
//
// From there the traversal repeats until nothing changes:
//
//   - Parents: every non-NULL reference of a selected row (MATCH SIMPLE: a
//     NULL in any column of a composite key is no reference) brings the row
//     it points at, whatever the path that selected the referencing row:
//     through nullable and composite keys, keys to unique non-primary
//     columns, self-references and cycles of any shape. Parents are not
//     capped.
//   - Children: rows selected as roots, as children or as value matches
//     "expand": the rows referencing them are followed, at most
//     max_per_parent per parent row and relation (those with the smallest
//     identity hashes, so the choice does not depend on read order), and at
//     most max_rows newly selected rows per table. Rows pulled in only as
//     parents, or by a sample, do not expand: following the children of
//     parents would drag in the whole database (customer -> store -> every
//     customer of the store). Children of children are followed, and every
//     child is closed over its own parents.
//   - Value relations (configured relations of kind "value", two columns
//     sharing values without a key, e.g. guest_purchases.national_id ~
//     users.national_id) work like children in both directions: an
//     expanding row brings the rows on the other side holding the same
//     value, within the caps; they expand and are closed in turn.
//   - Configured relations of kind "fk" are treated like declared foreign keys.
//
// After the roots' fixpoint, every table that still has no row gets a
// deterministic sample of unreachable.percent (default 10), at least one row
// if it has rows. A table that only value relations reached gets the same
// sample of its rows that match nothing on the other side (e.g. purchases by
// guests who never became users), so that the twin shares values across the
// relation in about the proportion production does. Sampled rows are then
// closed over their parents. Tables configured exclude or empty get no rows; a plan in which a
// table that gets rows references such a table is refused, naming the
// foreign key.
//
// Partitioned tables hold no rows: their partitions do. A foreign key of a
// partitioned table applies to each partition, children are capped across
// partitions, and a reference to a partitioned table is satisfied by a row in
// any partition. Copies of such keys that engines also report on each
// partition are ignored.
//
// The result is deterministic: the same data and configuration give the
// same selection (work queues are sorted, choices made by hash).
//
// # Memory and reading
//
// Rows are identified by their primary key, else a unique key of NOT NULL
// columns, else a hash of every copied column (duplicate rows of a table
// without a key are kept or dropped together). Key sets are compact: a
// single canonical integer goes into a roaring64 bitmap; any other key into
// an open-addressed set of 64-bit hashes (membership exact up to hash
// collisions, about n²/2⁶⁵ for n keys). Options.MaxKeys bounds the keys held
// at once; Select fails with ErrKeyBudget instead of exhausting memory.
//
// Select only reads, through dbtwin.Snapshot: the key, foreign-key and
// relation columns, never whole rows (except for tables without a key).
// Parents are looked up with IN lists of key values (keys are indexed),
// or with one scan of the table when many are wanted; children and value
// matches with IN lists when few parent values are pending, else with one
// scan filtered in process, so an unindexed foreign key never costs more
// than one scan per round.
//
// # Output
//
// Selection.Filter gives, per table, a SQL predicate when that is exact and
// cheap (every row, no row, or exactly a root's where clause), else an
// in-process keep function testing each row's identity against the selected
// set. It assumes the clone reads the same snapshot Select read.
//
// # Files
//
//	graph.go     relations resolved against the schema, partitions, SCCs
//	plan.go      configuration validation, rules and paths per table
//	errors.go    configuration errors with positions, name suggestions
//	estimate.go  row estimates for the plan
//	keyset.go    hashing, key tuples, roaring/hashed key sets, key budget
//	state.go     per-table traversal state, identity columns
//	traverse.go  Options, Select, the fixpoint, parent lookups
//	follow.go    children and value matches within the caps
//	sample.go    roots and the unreachable sample
//	query.go     identifiers and IN lists in the source's dialect
//	filter.go    Selection, TableResult, Filter
//	render.go    text rendering of plans and selections
package subset
