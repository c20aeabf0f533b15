package check

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const goldenChecks = `version: 1
queries:
  recipients: |
    SELECT u.email FROM users u JOIN subscriptions s ON s.user_id = u.id WHERE s.active
  recipients_fixed: |
    SELECT u.email FROM users u
    WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = u.id AND s.active)
checks:
  - name: each recipient once
    unique: {query: recipients, columns: [email]}
  - name: never more recipients than users
    row_count: {query: recipients, max: "SELECT count(*) FROM users"}
  - name: fixed query sends each recipient once
    unique: {query: recipients_fixed, columns: [email]}
  - name: orders point at users
    references: {from: "orders(user_id)", to: "users(id)", nulls: ignore}
  - name: order status known
    severity: warn
    accepted: {table: orders, column: status, values: [paid, shipped, refunded]}
  - name: users without a phone
    examples: 2
    rows: "SELECT id, full_name, phone, national_id FROM users WHERE phone IS NULL ORDER BY id"
  - name: typo in a table name
    not_null: {table: userz, columns: [id]}
`

// goldenReport runs goldenChecks on SQLite, with durations zeroed so the
// output is stable.
func goldenReport(t *testing.T, opts Options) *Report {
	t.Helper()
	rep := run(t, makeSQLite(t, production.script()), writeChecks(t, goldenChecks), opts)
	rep.Duration, rep.Started = 0, time.Time{}
	for _, r := range rep.Results {
		r.Duration = 0
	}
	return rep
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./check -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update if the change is intended)\n--- got:\n%s\n--- want:\n%s",
			name, got, want)
	}
}

func TestGoldenReports(t *testing.T) {
	rep := goldenReport(t, Options{})
	for _, f := range []struct{ format, file string }{{"text", "report.txt"}, {"json", "report.json"}, {"junit", "report.xml"}} {
		var b bytes.Buffer
		if err := Write(&b, rep, f.format); err != nil {
			t.Fatal(err)
		}
		golden(t, f.file, b.Bytes())
	}
	if err := Write(&bytes.Buffer{}, rep, "yaml"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestJSONReportShape(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, goldenReport(t, Options{})); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version  int    `json:"version"`
		Status   string `json:"status"`
		ExitCode int    `json:"exit_code"`
		Checks   []struct {
			Name, Kind, Status, Message string
			Observed                    map[string]any
			Examples                    []struct {
				Value string
				Count int64
			}
		} `json:"checks"`
		Summary Summary `json:"summary"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || doc.Status != "error" || doc.ExitCode != 2 || len(doc.Checks) != 7 {
		t.Fatalf("report header %+v", doc)
	}
	if doc.Summary != (Summary{Total: 7, Passed: 1, Failed: 4, Warnings: 1, Errors: 1}) {
		t.Errorf("summary %+v", doc.Summary)
	}
	c := doc.Checks[0]
	if c.Kind != "unique" || c.Status != "fail" || c.Observed["fanout"] != 2.0 || c.Observed["rows"] != 90.0 {
		t.Errorf("first check %+v", c)
	}
}

// junitDoc is the JUnit schema as CI systems read it, declared independently
// of the writer's types.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Time     string   `xml:"time,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Time     string `xml:"time,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
				Body    string `xml:",chardata"`
			} `xml:"error"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitParsesBack(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJUnit(&b, goldenReport(t, Options{})); err != nil {
		t.Fatal(err)
	}
	var doc junitDoc
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit output does not parse: %v\n%s", err, b.String())
	}
	if doc.Tests != 7 || doc.Failures != 4 || doc.Errors != 1 || doc.Time == "" || len(doc.Suites) != 1 {
		t.Fatalf("testsuites %+v", doc)
	}
	s := doc.Suites[0]
	if s.Name != "checks.yaml" || s.Tests != 7 || s.Failures != 4 || s.Errors != 1 || len(s.Cases) != 7 {
		t.Fatalf("testsuite %+v", s)
	}
	first := s.Cases[0]
	if first.Name != "each recipient once" || first.Classname != "dbtwin.check.unique" || first.Failure == nil ||
		!strings.Contains(first.Failure.Message, "×2.0") || !strings.Contains(first.Failure.Body, "examples: u***@***.com") {
		t.Errorf("first testcase %+v", first)
	}
	if s.Cases[2].Failure != nil || s.Cases[2].Error != nil {
		t.Errorf("passing testcase has a failure: %+v", s.Cases[2])
	}
	if warn := s.Cases[4]; warn.Failure != nil || !strings.HasPrefix(warn.SystemOut, "warning: ") {
		t.Errorf("warning testcase %+v", warn)
	}
	if e := s.Cases[6].Error; e == nil || !strings.Contains(e.Message, "userz") {
		t.Errorf("errored testcase %+v", s.Cases[6])
	}
}

// No raw e-mail address, phone number or national ID appears in any report
// by default; with redaction off, they do (so the test can fail).
func TestReportsRedactPersonalData(t *testing.T) {
	raw := regexp.MustCompile(`user\d+@example\.com|555-010-\d{4}|9000000\d{4}|Person \d+`)
	render := func(rep *Report) string {
		var all bytes.Buffer
		for _, f := range Formats {
			if err := Write(&all, rep, f); err != nil {
				t.Fatal(err)
			}
		}
		return all.String()
	}
	if m := raw.FindAllString(render(goldenReport(t, Options{})), -1); len(m) > 0 {
		t.Errorf("personal values in the default reports: %q", m)
	}
	if m := raw.FindAllString(render(goldenReport(t, Options{NoRedact: true})), -1); len(m) == 0 {
		t.Error("NoRedact showed no raw value: the redaction test cannot fail")
	}
}

func TestRedactValue(t *testing.T) {
	for _, c := range []struct{ col, in, want string }{
		{"email", "jane.doe@example.com", "j***@***.com"},
		{"recipient", "jane.doe@example.com", "j***@***.com"},
		{"note", "write to bob@mail.example.org today", "write to b***@***.org today"},
		{"phone", "+1 555-010-1234", "+* ***-***-**34"},
		{"contact", "0612345678", "********78"},
		{"national_id", "90000000001", "*********01"},
		{"full_name", "Jane Doe", "J***"},
		{"last_name", "Doe", "D***"},
		{"status", "paid", "paid"},
		{"id", "123456", "123456"},
		{"product_name", "Blue Widget", "Blue Widget"},
		{"ssn", "abc", "a***"},
	} {
		if got := redactValue(c.col, c.in); got != c.want {
			t.Errorf("redactValue(%q, %q) = %q, want %q", c.col, c.in, got, c.want)
		}
	}
}

func TestFormatting(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 4812: "4,812", 1234567: "1,234,567", -1200: "-1,200"} {
		if got := formatInt(in); got != want {
			t.Errorf("formatInt(%d) = %q, want %q", in, got, want)
		}
	}
	if got := formatFactor(4812.0 / 1200); got != "×4.0" {
		t.Errorf("formatFactor = %q", got)
	}
	if got := suggest("recipent", []string{"recipients", "users"}); got != "recipients" {
		t.Errorf("suggest = %q", got)
	}
	if got := suggest("zzz", []string{"unique", "rows"}); got != "" {
		t.Errorf("suggest = %q, want none", got)
	}
}
