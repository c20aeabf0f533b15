package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/dbtwin/dbtwin/internal/demo"
	"github.com/dbtwin/dbtwin/report"
)

type demoOptions struct {
	dir   string
	users int
}

func init() { commands = append(commands, newDemoCommand) }

func newDemoCommand(e *env) *cobra.Command {
	o := &demoOptions{}
	c := &cobra.Command{
		Use:   "demo",
		Short: "Zero-setup tour: build an embedded SQLite \"production\" database and make its twin",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := runDemo(e, o)
			return err
		},
	}
	c.Flags().StringVar(&o.dir, "dir", "", "folder to leave the demo files in (default: a new temporary folder)")
	c.Flags().IntVar(&o.users, "users", demo.DefaultSizes.Users, "number of users to generate")
	return c
}

// demoRun holds the state the demo's steps share.
type demoRun struct {
	e                     *env
	out                   io.Writer
	dir, production, twin string
	step                  int
	report                *report.Report
}

func (d *demoRun) heading(format string, args ...any) {
	d.step++
	fmt.Fprintf(d.out, "\n%s %d. %s\n", bold(d.out, "▶"), d.step, bold(d.out, fmt.Sprintf(format, args...)))
}

func runDemo(e *env, o *demoOptions) (*DemoFacts, error) {
	start := time.Now()
	dir := o.dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "dbtwin-demo-"); err != nil {
			return nil, fmt.Errorf("create a folder for the demo: %w", err)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create demo folder %s: %w", dir, err)
	}
	d := &demoRun{e: e, out: e.stdout, dir: dir,
		production: filepath.Join(dir, "production.db"), twin: filepath.Join(dir, "twin.db")}
	for _, p := range []string{d.production, d.twin} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("remove the previous demo's %s: %w", p, err)
		}
	}
	sz := demo.DefaultSizes
	sz.Users = o.users
	sz.GuestPurchases = o.users / 2
	sz.Orders = o.users * 5 / 2

	d.heading("Building a \"production\" database shaped like the two incidents")
	if err := demo.Build(e.ctx, d.production, sz); err != nil {
		return nil, err
	}
	fmt.Fprintf(d.out, "   %s: %d users (names, emails, national IDs, phones, birth dates), %d guest purchases\n",
		d.production, sz.Users, sz.GuestPurchases)
	fmt.Fprintf(d.out, "   with NO foreign key to users (%.0f%% of them share a user's national ID), %d orders,\n", sz.SharedGuestIDs*100, sz.Orders)
	fmt.Fprintf(d.out, "   and newsletter subscriptions where many users are on several lists.\n")

	facts := &DemoFacts{}
	res, schema, err := d.scanStep(facts)
	if err != nil {
		return facts, err
	}
	cfgPath, err := d.initStep(res, schema)
	if err != nil {
		return facts, err
	}
	if err := d.maskedCloneStep(cfgPath, facts); err != nil {
		return facts, err
	}
	if err := d.checkStep(facts); err != nil {
		return facts, err
	}
	if err := d.signupStep(facts); err != nil {
		return facts, err
	}
	if err := d.reportStep(facts); err != nil {
		return facts, err
	}
	fmt.Fprintf(d.out, "\nDone in %s. Files left in %s\n", time.Since(start).Round(time.Millisecond), dir)
	fmt.Fprintf(d.out, "\nThe same on your own PostgreSQL database:\n")
	fmt.Fprintf(d.out, "  dbtwin scan  --source postgres://user@prod-host/app\n")
	fmt.Fprintf(d.out, "  dbtwin init  --source postgres://user@prod-host/app -o dbtwin.yaml\n")
	fmt.Fprintf(d.out, "  dbtwin clone --source postgres://user@prod-host/app --target postgres://localhost/app_twin -c dbtwin.yaml\n")
	return facts, nil
}
