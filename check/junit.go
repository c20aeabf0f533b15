package check

import (
	"encoding/xml"
	"io"
	"path/filepath"
	"strings"
)

// JUnitTestsuites is the root element of the JUnit XML report, in the shape
// CI systems read (Jenkins, GitLab, GitHub test reporters).
type JUnitTestsuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []JUnitTestsuite `xml:"testsuite"`
}

// JUnitTestsuite is the one suite of a checks file.
type JUnitTestsuite struct {
	Name      string          `xml:"name,attr"`
	Tests     int             `xml:"tests,attr"`
	Failures  int             `xml:"failures,attr"`
	Errors    int             `xml:"errors,attr"`
	Skipped   int             `xml:"skipped,attr"`
	Time      string          `xml:"time,attr"`
	Timestamp string          `xml:"timestamp,attr,omitempty"`
	Testcases []JUnitTestcase `xml:"testcase"`
}

// JUnitTestcase is one check. A failed check has Failure, a check that
// could not run has Error; a warning passes with the finding in SystemOut.
type JUnitTestcase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *JUnitProblem `xml:"failure,omitempty"`
	Error     *JUnitProblem `xml:"error,omitempty"`
	SystemOut *JUnitOutput  `xml:"system-out,omitempty"`
}

// JUnitProblem is a failure or error element: message attribute, type
// attribute and the details as text.
type JUnitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// JUnitOutput is a system-out element.
type JUnitOutput struct {
	Text string `xml:",cdata"`
}

// JUnit returns the report's JUnit form.
func (r *Report) JUnit() *JUnitTestsuites {
	s := r.Summary()
	name := "checks"
	if r.File != "" {
		name = filepath.Base(r.File)
	}
	suite := JUnitTestsuite{Name: name, Tests: s.Total, Failures: s.Failed, Errors: s.Errors, Time: seconds(r.Duration)}
	if !r.Started.IsZero() {
		suite.Timestamp = r.Started.UTC().Format("2006-01-02T15:04:05")
	}
	for _, x := range r.Results {
		tc := JUnitTestcase{Name: x.Name, Classname: "dbtwin.check." + string(x.Kind), Time: seconds(x.Duration)}
		body := problemText(x)
		switch x.Status {
		case StatusFail:
			tc.Failure = &JUnitProblem{Message: x.Message, Type: string(x.Kind), Text: body}
		case StatusError:
			tc.Error = &JUnitProblem{Message: x.Message, Type: "error", Text: body}
		case StatusWarn:
			tc.SystemOut = &JUnitOutput{Text: "warning: " + body}
		}
		suite.Testcases = append(suite.Testcases, tc)
	}
	return &JUnitTestsuites{Name: "dbtwin check", Tests: s.Total, Failures: s.Failed, Errors: s.Errors,
		Time: seconds(r.Duration), Suites: []JUnitTestsuite{suite}}
}

// problemText is the body of a failure: message, details, examples, position.
func problemText(x *Result) string {
	lines := []string{x.Message}
	lines = append(lines, x.Details...)
	if len(x.Examples) > 0 {
		lines = append(lines, "examples: "+examplesLine(x.Examples))
	}
	if x.Pos.Line > 0 {
		lines = append(lines, "defined at "+x.Pos.String())
	}
	return strings.Join(lines, "\n")
}

// WriteJUnit renders the report as JUnit XML: one testsuite, one testcase
// per check.
func WriteJUnit(w io.Writer, r *Report) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(r.JUnit()); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
