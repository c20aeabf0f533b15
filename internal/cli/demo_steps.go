package cli

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/check"
	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/examples"
	"github.com/dbtwin/dbtwin/scan"
)

// DemoFacts are the demo's key numbers (asserted by its test).
type DemoFacts struct {
	HiddenLinkFound           bool
	HiddenLinkOverlap         float64
	GuestRowsInTwin           int64
	SharedIDsInProduction     int64
	SharedIDsInTwin           int64
	LeaksFound                int
	NewsletterFailsWithJoin   bool
	NewsletterFanout          string
	NewsletterPassesWhenFixed bool
	SignupLookupHits          int64
	ReportPath                string
}

// demoSecret keys the demo's masking; a real run uses DBTWIN_SECRET.
const demoSecret = "dbtwin-demo-secret-not-for-real-use"

func (d *demoRun) scanStep(facts *DemoFacts) (*scan.Result, *dbtwin.Schema, error) {
	d.heading("Scanning production: personal data and relationships nobody declared")
	src, snap, err := openSnapshot(d.e.ctx, d.production, 0)
	if err != nil {
		return nil, nil, err
	}
	defer src.Close()
	defer snap.Close()
	res, err := scan.Run(d.e.ctx, snap, scan.Options{Sample: 1000})
	if err != nil {
		return nil, nil, err
	}
	var cats []string
	for _, p := range res.PII {
		cats = append(cats, fmt.Sprintf("%s.%s (%s)", p.Table, p.Column, p.Category))
	}
	fmt.Fprintf(d.out, "   personal data in %d columns: %s\n", len(res.PII), strings.Join(cats, ", "))
	for _, r := range res.Relationships {
		if r.Declared {
			continue
		}
		from := r.From.Table + "(" + strings.Join(r.From.Columns, ", ") + ")"
		to := r.To.Table + "(" + strings.Join(r.To.Columns, ", ") + ")"
		fmt.Fprintf(d.out, "   %s %s ~ %s (%s link, confidence %.2f): %.0f%% of sampled guest IDs are users' IDs\n",
			red(d.out, "undeclared link:"), from, to, r.Kind, r.Confidence, r.Coverage*100)
		if r.From.Table == "guest_purchases" && r.To.Table == "users" || r.From.Table == "users" && r.To.Table == "guest_purchases" {
			facts.HiddenLinkFound = true
			facts.HiddenLinkOverlap = r.Coverage
		}
	}
	fmt.Fprintf(d.out, "   (read %d rows with %d queries; the report holds counts, never values)\n", res.Stats.Rows, res.Stats.Queries)
	if err := d.record("scan", func(w io.Writer) error { return scan.WriteJSON(w, res) }); err != nil {
		return nil, nil, err
	}
	return res, snap.Schema(), nil
}

func (d *demoRun) initStep(res *scan.Result, schema *dbtwin.Schema) (string, error) {
	d.heading("Writing dbtwin.yaml from the scan (dbtwin init), with a 25%% subset of users")
	var buf bytes.Buffer
	if err := scan.WriteConfig(&buf, res, schema); err != nil {
		return "", err
	}
	text := buf.String()
	if i := strings.Index(text, "# subset:"); i >= 0 {
		text = text[:i]
	}
	text += "subset:\n  roots:\n    - {table: users, percent: 25}\n  children: {max_per_parent: 100}\n  unreachable: {percent: 25}\n"
	path := filepath.Join(d.dir, "dbtwin.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	cfg, err := config.Parse(path, []byte(text))
	if err != nil {
		return "", err
	}
	n := 0
	for _, tm := range cfg.Mask {
		n += len(tm.Columns)
	}
	fmt.Fprintf(d.out, "   %s: %d columns masked, %d relation(s) the database does not declare, %d columns kept\n",
		path, n, len(cfg.Relations), len(cfg.Keep))
	return path, nil
}

func (d *demoRun) maskedCloneStep(cfgPath string, facts *DemoFacts) error {
	d.heading("Cloning a masked, referentially complete subset into the twin")
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	res, err := clone.Run(d.e.ctx, clone.Options{Source: d.production, Target: d.twin, Config: cfg,
		Jobs: 2, Secret: []byte(demoSecret), Replace: true})
	if err != nil {
		return err
	}
	writeCloneText(indent(d.out), res)
	if err := d.record("clone", func(w io.Writer) error { return writeCloneJSON(w, res, nil) }); err != nil {
		return err
	}
	d.report.SetConfig(cfg)
	if res.LeakReport != nil {
		if err := d.record("leak scan", res.LeakReport.WriteJSON); err != nil {
			return err
		}
	}
	for _, t := range res.Tables {
		if t.Table == "guest_purchases" {
			facts.GuestRowsInTwin = t.Rows
		}
	}
	const shared = `SELECT count(*) FROM guest_purchases g WHERE EXISTS (SELECT 1 FROM users u WHERE u.national_id = g.national_id)`
	if facts.SharedIDsInProduction, err = sqliteCount(d.e.ctx, d.production, shared); err != nil {
		return err
	}
	if facts.SharedIDsInTwin, err = sqliteCount(d.e.ctx, d.twin, shared); err != nil {
		return err
	}
	prodRows, err := sqliteCount(d.e.ctx, d.production, `SELECT count(*) FROM guest_purchases`)
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "\n   guest purchases whose national ID belongs to a user: %d of %d in the twin (%.0f%%), %d of %d in production (%.0f%%).\n",
		facts.SharedIDsInTwin, facts.GuestRowsInTwin, pct(facts.SharedIDsInTwin, facts.GuestRowsInTwin),
		facts.SharedIDsInProduction, prodRows, pct(facts.SharedIDsInProduction, prodRows))
	fmt.Fprintf(d.out, "   Both sides are masked, and equal values mask to equal values: the overlap survives.\n")

	d.heading("Proving no original value survived (the leak scan that ends every masked clone)")
	if r := res.LeakReport; r != nil {
		facts.LeaksFound = r.Leaks()
		fmt.Fprintf(d.out, "   %s original values from %d columns digested, %s twin cells scanned (JSON leaves and words of free text included):\n",
			count(r.SourceValues), len(r.SourceColumns), count(r.CellsScanned))
		if r.OK() {
			fmt.Fprintf(d.out, "   %s\n", green(d.out, "no original value found in the twin"))
		} else if err := r.WriteText(indent(d.out)); err != nil {
			return err
		}
		for _, ex := range r.Exemptions {
			fmt.Fprintf(d.out, "   exempt by rule (%s): %s values — %s\n", ex.Rule, count(ex.Values), ex.Reason)
		}
	}
	return nil
}

func (d *demoRun) checkStep(facts *DemoFacts) error {
	d.heading("Running the safeguards (checks.yaml) on the twin")
	checksPath := filepath.Join(d.dir, "checks.yaml")
	fixedPath := filepath.Join(d.dir, "checks-fixed.yaml")
	for p, data := range map[string][]byte{checksPath: examples.Checks, fixedPath: examples.ChecksFixed} {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	run := func(path string) (*check.Report, error) {
		f, err := check.Load(path)
		if err != nil {
			return nil, err
		}
		db, dialect, err := check.Open(d.e.ctx, d.twin)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		base, baseDialect, err := check.Open(d.e.ctx, d.production)
		if err != nil {
			return nil, err
		}
		defer base.Close()
		return check.Run(d.e.ctx, db, dialect, f, check.Options{Baseline: base, BaselineDialect: baseDialect})
	}
	rep, err := run(checksPath)
	if err != nil {
		return err
	}
	if err := d.record("checks", func(w io.Writer) error { return check.WriteJSON(w, rep) }); err != nil {
		return err
	}
	fmt.Fprintf(d.out, "   with the newsletter query as it shipped (a JOIN on subscriptions):\n")
	if err := check.WriteText(indent(indent(d.out)), rep); err != nil {
		return err
	}
	for _, r := range rep.Results {
		if r.Name == "each recipient once" && r.Failed() {
			facts.NewsletterFailsWithJoin = true
			facts.NewsletterFanout = r.Message
		}
	}
	fixed, err := run(fixedPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "   with the fixed query (EXISTS instead of JOIN):\n")
	if err := check.WriteText(indent(indent(d.out)), fixed); err != nil {
		return err
	}
	facts.NewsletterPassesWhenFixed = fixed.ExitCode() == 0
	return nil
}

func (d *demoRun) signupStep(facts *DemoFacts) error {
	d.heading("Replaying the sign-up campaign's duplicate check on the twin")
	// The sign-up back end rejected a new user when the national ID was
	// "already known": it looked in guest_purchases too. Guests who never
	// registered are exactly the campaign's audience.
	const q = `SELECT count(DISTINCT g.national_id) FROM guest_purchases g
		WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.national_id = g.national_id)`
	var err error
	if facts.SignupLookupHits, err = sqliteCount(d.e.ctx, d.twin, q); err != nil {
		return err
	}
	fmt.Fprintf(d.out, "   %d guests in the twin have no account yet; signing any of them up hits the \"already known\"\n", facts.SignupLookupHits)
	fmt.Fprintf(d.out, "   lookup through guest_purchases and is rejected as a duplicate. On an empty test database\n")
	fmt.Fprintf(d.out, "   the lookup finds nothing; on the twin, the first test sign-up of a guest shows the bug.\n")
	return nil
}

func pct(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func sqliteCount(ctx context.Context, path, q string) (int64, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("query %s: %w", path, err)
	}
	return n, nil
}
