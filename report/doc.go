// Package report turns the outputs of dbtwin's commands into one
// self-contained HTML page: the relationship map (tables, declared foreign
// keys, undeclared links found by the scan, personal data per table), the
// subset and clone (production rows against twin rows, the relation path
// that brought each table's rows, masked columns and their rules, phase
// timings) and the proofs (leak scan, checks, verification).
//
// # Inputs
//
// A Report is filled from the versioned JSON documents the commands print
// (`dbtwin scan --format json`, `plan --format json`, `clone --json`,
// `verify --format json`, `check --format json`): Add recognises each by its
// fields, so the page follows those formats as they grow instead of
// re-deriving anything. SetConfig adds the dbtwin.yaml the twin was made
// with, for the masking rules.
//
// # The page
//
// WriteHTML writes one file with inline CSS, JavaScript and SVG: it opens
// without any network access and can be published as a CI artifact. The map
// is laid out here, in Go (layout.go), and drawn as SVG; the script only adds
// search, filters, zoom and the collapse of unrelated clusters, so the page
// stays responsive at hundreds of tables.
//
// # Privacy
//
// The page holds names and counts only, as the scan report does: evidence
// strings are the scan's own (rates and counts), the leak scan names columns,
// never values. Check examples are shown only in redacted form: an example
// the check did not redact (for instance a run with --no-redact) is reduced
// to its first character here.
package report
