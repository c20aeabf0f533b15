package check

import (
	"sort"

	"github.com/dbtwin/dbtwin/internal/textutil"
)

// suggest returns the candidate closest to s, or "" when none is close
// enough to be a likely typo.
func suggest(s string, candidates []string) string { return textutil.Closest(s, candidates) }

// didYouMean formats a suggestion for an error message ("" when none).
func didYouMean(s string, candidates []string) string {
	if m := suggest(s, candidates); m != "" {
		return "; did you mean " + quote(m) + "?"
	}
	return ""
}

// quote wraps s in double quotes for messages.
func quote(s string) string { return `"` + s + `"` }

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// kindNames lists the kinds as strings.
func kindNames() []string {
	out := make([]string, len(Kinds))
	for i, k := range Kinds {
		out[i] = string(k)
	}
	return out
}
