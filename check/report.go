package check

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Status is the outcome of one check.
type Status string

// Statuses.
const (
	// StatusPass: the invariant holds.
	StatusPass Status = "pass"
	// StatusFail: the invariant is violated (severity error).
	StatusFail Status = "fail"
	// StatusWarn: the invariant is violated but the check's severity is warn.
	StatusWarn Status = "warn"
	// StatusError: the check could not run (SQL error, timeout, connection).
	StatusError Status = "error"
)

// Example is one offending value (or row) of a failed check, redacted
// unless redaction is off.
type Example struct {
	Value string `json:"value"`
	// Count is how many rows have the value (0 when not counted).
	Count int64 `json:"count,omitempty"`
}

// Result is the outcome of one check.
type Result struct {
	Name     string   `json:"name"`
	Kind     Kind     `json:"kind"`
	Severity Severity `json:"severity"`
	Status   Status   `json:"status"`
	// Message says what was found, in one line.
	Message string `json:"message"`
	// Details are further lines (per-column counts, per-statistic comparisons).
	Details []string `json:"details,omitempty"`
	// Observed holds the numbers measured in the database, by name (int64 or
	// float64 values); see the package documentation for each kind's names.
	Observed map[string]any `json:"observed,omitempty"`
	// Baseline holds the same numbers measured in the baseline, for
	// fidelity checks.
	Baseline map[string]any `json:"baseline,omitempty"`
	Examples []Example      `json:"examples"`
	// Duration is how long the check took.
	Duration time.Duration `json:"-"`
	// Pos is where the check is defined.
	Pos Pos `json:"-"`
}

// Failed reports whether the result fails the run (fail or error).
func (r *Result) Failed() bool { return r.Status == StatusFail || r.Status == StatusError }

// Report is the outcome of running a checks file.
type Report struct {
	// File is the checks file's path.
	File    string
	Results []*Result
	// Started is when the run began; Duration its wall time.
	Started  time.Time
	Duration time.Duration
}

// Summary counts results by status.
type Summary struct {
	Total    int `json:"total"`
	Passed   int `json:"passed"`
	Failed   int `json:"failed"`
	Warnings int `json:"warnings"`
	Errors   int `json:"errors"`
}

// Summary counts the report's results by status.
func (r *Report) Summary() Summary {
	var s Summary
	for _, x := range r.Results {
		s.Total++
		switch x.Status {
		case StatusPass:
			s.Passed++
		case StatusFail:
			s.Failed++
		case StatusWarn:
			s.Warnings++
		case StatusError:
			s.Errors++
		}
	}
	return s
}

// String is the summary line: "3 passed, 1 failed".
func (s Summary) String() string {
	parts := []string{fmt.Sprintf("%d passed", s.Passed), fmt.Sprintf("%d failed", s.Failed)}
	if s.Warnings > 0 {
		parts = append(parts, plural(int64(s.Warnings), "warning", "warnings"))
	}
	if s.Errors > 0 {
		parts = append(parts, plural(int64(s.Errors), "error", "errors"))
	}
	sep := ", "
	for _, p := range parts {
		if strings.Contains(p, ", ") {
			sep = "; "
		}
	}
	return strings.Join(parts, sep)
}

// Exit codes of a check run, as the dbtwin command uses them.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitError  = 2
)

// ExitCode is 0 when every check passed (warnings do not count), 1 when a
// check failed, 2 when a check could not run.
func (r *Report) ExitCode() int {
	s := r.Summary()
	switch {
	case s.Errors > 0:
		return ExitError
	case s.Failed > 0:
		return ExitFailed
	}
	return ExitOK
}

// ErrChecksFailed is matched (errors.Is) by the error of a report with failed checks.
var ErrChecksFailed = errors.New("data checks failed")

// ErrChecksErrored is matched by the error of a report with checks that could not run.
var ErrChecksErrored = errors.New("data checks could not run")

// Err returns nil when the report's exit code is 0, else an error that
// names every failed or errored check with its message. It matches
// ErrChecksErrored if a check could not run, else ErrChecksFailed.
func (r *Report) Err() error {
	code := r.ExitCode()
	if code == ExitOK {
		return nil
	}
	sentinel := ErrChecksFailed
	if code == ExitError {
		sentinel = ErrChecksErrored
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)", sentinel.Error(), r.Summary())
	for _, x := range r.Results {
		if !x.Failed() {
			continue
		}
		fmt.Fprintf(&b, "\n  %s %q [%s]: %s", x.Status, x.Name, x.Kind, x.Message)
		if len(x.Examples) > 0 {
			b.WriteString(" (e.g. " + examplesLine(x.Examples) + ")")
		}
	}
	return &reportError{msg: b.String(), sentinel: sentinel}
}

type reportError struct {
	msg      string
	sentinel error
}

func (e *reportError) Error() string { return e.msg }
func (e *reportError) Unwrap() error { return e.sentinel }

// examplesLine joins examples: "j***@***.com ×12, a***@***.org ×3"; rows
// and tuples are separated by "; ".
func examplesLine(ex []Example) string {
	parts := make([]string, len(ex))
	for i, e := range ex {
		parts[i] = e.Value
		if e.Count > 1 {
			parts[i] += " " + "×" + formatInt(e.Count)
		}
	}
	sep := ", "
	for _, p := range parts {
		if strings.Contains(p, ", ") {
			sep = "; "
		}
	}
	return strings.Join(parts, sep)
}
