// Package examples embeds the example files (the demo's checks, a CI
// workflow) so that `dbtwin demo` writes exactly what this folder shows.
package examples

import _ "embed"

// Checks is checks.yaml: the newsletter safeguards with the incident's
// duplicating JOIN, so they fail on a realistic twin.
//
//go:embed checks.yaml
var Checks []byte

// ChecksFixed is checks-fixed.yaml: the same safeguards with the fixed query.
//
//go:embed checks-fixed.yaml
var ChecksFixed []byte
