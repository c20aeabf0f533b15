package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin/internal/textutil"
)

// Error is a problem at a place in the config file.
type Error struct {
	Pos Pos
	Msg string
}

// Error formats as "file:line:col: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// String formats the position as file:line:col (parts omitted when unknown).
func (p Pos) String() string {
	f := p.File
	if f == "" {
		f = "dbtwin.yaml"
	}
	if p.Line == 0 {
		return f
	}
	return fmt.Sprintf("%s:%d:%d", f, p.Line, p.Column)
}

// Errorf builds an Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Errors is a list of config problems, reported together. A list built by
// Parse or Validate holds at most MaxErrors problems in file order, then one
// that says how many more there were.
type Errors []*Error

// Error lists every problem, one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.Is/As see each problem.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// full reports whether MaxErrors problems are collected already (so the
// costlier parts of further messages, like suggestions, can be skipped).
func (es Errors) full() bool { return len(es) >= MaxErrors }

// err sorts the problems by position and keeps the first MaxErrors.
func (es Errors) err() error {
	if len(es) == 0 {
		return nil
	}
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Pos.Line != es[j].Pos.Line {
			return es[i].Pos.Line < es[j].Pos.Line
		}
		return es[i].Pos.Column < es[j].Pos.Column
	})
	if len(es) > MaxErrors {
		more := len(es) - MaxErrors
		es = append(es[:MaxErrors:MaxErrors], &Error{Pos: Pos{File: es[0].Pos.File},
			Msg: fmt.Sprintf("… and %s more problem(s) not listed: fix the ones above first", textutil.Thousands(int64(more)))})
	}
	return es
}

// IsConfigError reports whether err came from reading or validating a config.
func IsConfigError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// Suggest returns " (did you mean X?)" for the candidate closest to s, or ""
// when nothing is close.
func Suggest(s string, candidates []string) string {
	if c := textutil.Closest(s, candidates); c != "" {
		return fmt.Sprintf(" (did you mean %s?)", c)
	}
	return ""
}
