package subset

import (
	"fmt"
	"strings"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/internal/textutil"
)

// usageError is a configuration error: it unwraps to dbtwin.ErrUsage without
// repeating "usage error" in its message.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return dbtwin.ErrUsage }

func posText(p config.Pos) string {
	switch {
	case p.Line == 0 && p.File == "":
		return "subset"
	case p.Line == 0:
		return p.File
	case p.File == "":
		return fmt.Sprintf("line %d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

func usagef(p config.Pos, format string, args ...any) error {
	return &usageError{msg: posText(p) + ": " + fmt.Sprintf(format, args...)}
}

func lookup(s *dbtwin.Schema, name string, pos config.Pos, what string) (*dbtwin.Table, error) {
	if t := s.Table(name); t != nil {
		return t, nil
	}
	hint := "check the spelling (schema.table)"
	if near := nearest(s.TableNames(), name); near != "" {
		hint = "did you mean " + near + "?"
	}
	return nil, usagef(pos, "%s: table %q is not in the source: %s", what, name, hint)
}

// nearest returns the name closest to want (case-insensitive edit distance),
// or "" if none is close.
func nearest(names []string, want string) string {
	best, bestD := "", len(want)/2+2
	lw := strings.ToLower(want)
	for _, n := range names {
		ln := strings.ToLower(n)
		d := textutil.EditDistance(ln, lw)
		if i := strings.LastIndexByte(ln, '.'); i >= 0 {
			if d2 := textutil.EditDistance(ln[i+1:], lw); d2 < d {
				d = d2
			}
		}
		if d < bestD {
			best, bestD = n, d
		}
	}
	return best
}
