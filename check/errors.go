package check

import (
	"strings"

	"github.com/dbtwin/dbtwin"
)

// PosError is one problem found in a checks file, at a position.
type PosError struct {
	Pos Pos
	Msg string
}

// Error formats the problem as file:line:column: message.
func (e *PosError) Error() string { return e.Pos.String() + ": " + e.Msg }

// ConfigError lists every problem found in a checks file. It matches
// dbtwin.ErrUsage under errors.Is (exit code 2).
type ConfigError struct {
	Problems []*PosError
}

// Error lists the problems, one per line.
func (e *ConfigError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].Error()
	}
	var b strings.Builder
	b.WriteString("invalid checks file:")
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap makes errors.Is(err, dbtwin.ErrUsage) true.
func (e *ConfigError) Unwrap() error { return dbtwin.ErrUsage }
