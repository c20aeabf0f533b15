package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"
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

// Errors is a list of config problems, reported together.
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
	best, bestD := "", -1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := distance(ls, lc)
		// Compare unqualified names too: "customers" is close to "public.customer".
		if i := strings.IndexByte(lc, '.'); i >= 0 && !strings.Contains(ls, ".") {
			d = min(d, distance(ls, lc[i+1:]))
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	limit := len(s)/3 + 1
	if limit < 2 {
		limit = 2
	}
	// A suffix match (users vs public.users) is always worth suggesting.
	if bestD <= limit || strings.HasSuffix(strings.ToLower(best), "."+ls) {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	return ""
}

// distance is the Levenshtein edit distance.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
