package check

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dbtwin/dbtwin"
)

// Formats lists the report formats Write accepts.
var Formats = []string{"text", "json", "junit"}

// Write renders the report in one of Formats: "text" (for people), "json"
// (versioned, for scripts) or "junit" (JUnit XML, for CI test views).
func Write(w io.Writer, r *Report, format string) error {
	switch format {
	case "", "text":
		return WriteText(w, r)
	case "json":
		return WriteJSON(w, r)
	case "junit", "xml":
		return WriteJUnit(w, r)
	}
	return fmt.Errorf("%w: unknown report format %q: use %s", dbtwin.ErrUsage, format, strings.Join(Formats, ", "))
}

// WriteText renders the report for people: one line per check (✓ passed,
// ✗ failed or errored, ! warning) with details and examples under failures,
// then a summary line such as "3 passed, 1 failed".
func WriteText(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	for _, x := range r.Results {
		mark := map[Status]string{StatusPass: "✓", StatusFail: "✗", StatusWarn: "!", StatusError: "✗"}[x.Status]
		msg := x.Message
		switch x.Status {
		case StatusError:
			msg = "error: " + msg
		case StatusWarn:
			msg = "warning: " + msg
		}
		fmt.Fprintf(bw, "%s %s (%s): %s\n", mark, x.Name, x.Kind, msg)
		if x.Status == StatusPass {
			continue
		}
		if x.Status == StatusError && x.Pos.Line > 0 {
			fmt.Fprintf(bw, "    check defined at %s\n", x.Pos)
		}
		for _, d := range x.Details {
			fmt.Fprintf(bw, "    %s\n", d)
		}
		writeExamples(bw, x.Examples)
	}
	if len(r.Results) > 0 {
		bw.WriteString("\n")
	}
	fmt.Fprintf(bw, "%s\n", r.Summary())
	return bw.Flush()
}

// writeExamples prints examples on one line when they are short values,
// one per line when they are rows or tuples.
func writeExamples(w io.Writer, ex []Example) {
	if len(ex) == 0 {
		return
	}
	line := examplesLine(ex)
	if !strings.Contains(line, "=") && !strings.Contains(line, "(") && len(line) <= 100 {
		fmt.Fprintf(w, "    examples: %s\n", line)
		return
	}
	fmt.Fprintf(w, "    examples:\n")
	for _, e := range ex {
		fmt.Fprintf(w, "      %s\n", examplesLine([]Example{e}))
	}
}

// JSONVersion is the version of the JSON report format.
const JSONVersion = 1

// JSONReport is the JSON form of a report. Field names are stable; new
// fields may be added within a version.
type JSONReport struct {
	Version int    `json:"version"`
	File    string `json:"file"`
	// Status is "pass", "fail" or "error", matching ExitCode 0, 1, 2.
	Status   string      `json:"status"`
	ExitCode int         `json:"exit_code"`
	Checks   []JSONCheck `json:"checks"`
	Summary  Summary     `json:"summary"`
	// StartedAt is the run's start time (RFC 3339, UTC).
	StartedAt  string `json:"started_at,omitempty"`
	DurationMS int64  `json:"duration_ms"`
}

// JSONCheck is one check in the JSON report: the Result's fields plus its duration.
type JSONCheck struct {
	*Result
	DurationMS int64 `json:"duration_ms"`
}

// JSON returns the report's JSON form.
func (r *Report) JSON() *JSONReport {
	out := &JSONReport{Version: JSONVersion, File: r.File, ExitCode: r.ExitCode(), Summary: r.Summary(),
		Checks: []JSONCheck{}, DurationMS: r.Duration.Milliseconds()}
	out.Status = [...]string{"pass", "fail", "error"}[out.ExitCode]
	if !r.Started.IsZero() {
		out.StartedAt = r.Started.UTC().Format(time.RFC3339)
	}
	for _, x := range r.Results {
		out.Checks = append(out.Checks, JSONCheck{Result: x, DurationMS: x.Duration.Milliseconds()})
	}
	return out
}

// WriteJSON renders the report as indented JSON (see JSONReport).
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r.JSON())
}

// seconds formats a duration for JUnit's time attributes.
func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
