// Package verify is the leak scan: proof that no real person's value
// survived masking in a twin. It runs inside every masked clone, in the
// clone's own pass (Scan, fed by the pipeline's row observers), and as
// `dbtwin verify` on two existing databases (Run: each side read once).
//
// # How it works
//
// Plan (rules.go, engine.go): rules and keep: entries are resolved once;
// per table, the source columns whose originals are collected (every
// masked column and every column the name dictionary flags, except keep:
// entries, surrogate keys and the columns strict: false copies unmasked)
// and the twin columns searched (every text-like and numeric column of
// every table, kept ones included).
//
// Collect (collect.go): each original value is normalized (trimmed and
// lower-cased; digits only for phone-like values) and becomes keyed 8-byte
// digests (SipHash-2-4 under a per-run random key, digest.go): the value,
// its words joined by single spaces, its digits; "first last" and "last
// first" of tables with first- and last-name columns; the leaves a json
// rule's paths select. Never a value is kept.
//
// Search (scan.go, tokens.go, jsonwalk.go): every twin cell becomes
// digests: the whole value, its tokens, word pairs and triples, phone-like
// digit runs, JSON string leaves, numbers and object keys. Values the
// source side never collects (too short, short numbers, dates, dictionary
// words) are not digested; repeated values of a column are folded into
// counted entries.
//
// Join (runs.go, join.go): digests are 16-byte entries in runs held in
// memory up to Options.MemoryBudget and spilled as sorted runs to a
// temporary directory beyond it. At the end a Bloom filter of the
// originals selects the twin digests that may match; those are sorted and
// merge-joined with the originals.
//
// Decide (join.go): a masked cell equal to its own row's original is a
// leak (checked inline during a clone, by primary key in verify); a copy
// of an original anywhere else is a leak; a number in a column masked into
// a dense space of digits (phone, digits, credit_card, iban) equal to
// another row's original is a coincidence, counted against the number
// expected by chance and a leak only beyond 2E + 6√E + 10; person names in
// kept columns and values in columns strict: false copies unmasked are
// warnings. Exemptions (exempt.go) are counted and reported.
//
// Report (report.go): per twin column, how many cells hold original
// values, from which source columns and of which category, never the
// values; coincidences observed and expected; warnings; rules whose
// outputs can reach a real person (reachable.go); as text or versioned
// JSON ("version": 1).
//
// Known limits: a value hidden inside a longer token, or quoted with four
// or more words from a longer original, is not found; `when` conditions
// are not evaluated (rows a rule leaves unmasked count as leaks);
// generated columns of the twin are not read; cells of values folded as
// repeats are counted per occurrence.
package verify
