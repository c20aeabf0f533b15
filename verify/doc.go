// Package verify is the leak scan: proof that no real person's value
// survived masking in a twin (`dbtwin verify`, and the last step of every
// masked clone).
//
// # How it works
//
// Collect (collect.go, rules.go): the source snapshot is streamed table by
// table. Every masked column and every column whose name the scan package's
// dictionary flags (scan.NameCategory), except those under keep:, is read;
// each original value is normalized (trimmed and lower-cased, the "text"
// class of mask.Normalize; digits only for phone-like values and columns
// whose rule normalizes by digits) and only a keyed 8-byte digest of it is
// kept (SipHash-2-4 under a per-run random key, digest.go), mapped to the
// source columns it came from. A value is also digested with its words
// joined by single spaces, and a table with a first- and a last-name column
// adds "first last" and "last first" of each row, so a name quoted in a
// note is found. JSON columns contribute the leaves their json rule's paths
// select (or that its detect option masks); a JSON column flagged by name
// but not masked as JSON contributes every string leaf. Memory is one map
// entry per distinct original value; no value is ever kept.
//
// Exempt (exempt.go): values whose presence in the twin proves nothing are
// not looked for, and the report says how many each rule exempted:
// too-short (under 4 characters), short-number (fewer than 7 digits),
// date, low-cardinality (bool and enum columns; columns of at most 32
// distinct values that repeat), dictionary-word (the names and words of
// gofakeit's data package, which fake-value transformers also write), and,
// on the twin's side, fake-collision (a value made only of dictionary words
// in a twin column masked by a dictionary transformer) and lone-name (a
// single first or last name found outside the twin column it was read
// from: an actor or a city sharing a customer's first name; full names,
// and lone names in their own column, are leaks).
//
// Scan (scan.go, tokens.go, jsonwalk.go): every cell of every table of the
// twin (text-like and numeric columns; not bool or binary) is looked up as
// a whole; text is also split into tokens (on white space and punctuation
// other than @ . - _ +, trailing dots dropped) looked up with their word
// pairs and triples; numbers with 7 or more digits, inside a token or
// written with spaces and brackets, are looked up by their digits; JSON
// documents (JSON columns, and text that parses as an object or array)
// are looked up member by member: every string, number and object key.
//
// Report (report.go): per twin column, how many cells hold original values,
// from which source columns and of which category, never the values; plus
// rows and cells scanned, digests held, exemptions and duration, as text or
// versioned JSON ("version": 1).
//
// Known limits: a value hidden inside a longer token, or quoted with four or
// more words from a longer original, is not found; `when` conditions are
// not evaluated (rows a rule leaves unmasked count as leaks); generated
// columns of the twin are not read.
package verify
