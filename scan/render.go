package scan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dbtwin/dbtwin/internal/textutil"
)

// WriteJSON writes the result as indented JSON ("version": 1).
func WriteJSON(w io.Writer, res *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return fmt.Errorf("write scan result as JSON: %w", err)
	}
	return nil
}

// WriteText writes the result as an aligned report for people.
func WriteText(w io.Writer, res *Result) error {
	ew := &errWriter{w: w}
	st := res.Stats
	ew.printf("dbtwin scan (%s): %d tables, about %s rows; read %s rows with %d queries in %s\n",
		res.Engine, st.Tables, thousands(st.DatabaseRows), thousands(st.Rows), st.Queries, st.Duration.Round(1e6))
	var declared, found []Relationship
	for _, r := range res.Relationships {
		if r.Declared {
			declared = append(declared, r)
		} else {
			found = append(found, r)
		}
	}
	counts := map[string]int{}
	for _, p := range res.PII {
		counts[p.Level]++
	}
	ew.printf("\nPersonal data: %d columns (%d high, %d medium, %d low confidence)\n",
		len(res.PII), counts[LevelHigh], counts[LevelMedium], counts[LevelLow])
	if len(res.PII) > 0 {
		tw := tabwriter.NewWriter(ew, 2, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "  COLUMN\tCATEGORY\tLEVEL\tCONF\tSUGGEST\tEVIDENCE")
		for _, p := range res.PII {
			fmt.Fprintf(tw, "  %s.%s\t%s\t%s\t%.2f\t%s\t%s\n", p.Table, p.Column, p.Category, p.Level, p.Confidence,
				p.Suggest, strings.Join(p.Evidence, "; "))
			for _, pp := range p.Paths {
				fmt.Fprintf(tw, "    %s\t%s\t%s\t%.2f\t%s\t%s\n", pp.Path, pp.Category, levelOf(pp.Confidence),
					pp.Confidence, pp.Suggest, pp.Evidence)
			}
		}
		tw.Flush()
	}
	ew.printf("\nRelationships: %d declared, %d found in the data\n", len(declared), len(found))
	if len(found) > 0 {
		tw := tabwriter.NewWriter(ew, 2, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "  FROM\t\tTO\tKIND\tLEVEL\tCONF\tEVIDENCE")
		for _, r := range found {
			fmt.Fprintf(tw, "  %s\t->\t%s\t%s\t%s\t%.2f\t%s\n", endpoint(r.From), endpoint(r.To), r.Kind, r.Level,
				r.Confidence, strings.Join(r.Evidence, "; "))
		}
		tw.Flush()
	}
	if len(declared) > 0 {
		ew.printf("\n  declared foreign keys:\n")
		tw := tabwriter.NewWriter(ew, 2, 8, 2, ' ', 0)
		for _, r := range declared {
			fmt.Fprintf(tw, "  %s\t->\t%s\n", endpoint(r.From), endpoint(r.To))
		}
		tw.Flush()
	}
	if len(res.Warnings) > 0 {
		ew.printf("\nWarnings:\n")
		for _, w := range res.Warnings {
			ew.printf("  - %s\n", w)
		}
	}
	return ew.err
}

func endpoint(e Endpoint) string { return e.Table + "(" + strings.Join(e.Columns, ", ") + ")" }

// thousands formats n with thousands separators.
func thousands(n int64) string { return textutil.Thousands(n) }

// errWriter remembers the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = fmt.Errorf("write scan report: %w", err)
	}
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
