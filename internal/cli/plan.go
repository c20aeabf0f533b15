package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/subset"
)

type planOptions struct {
	source, configFile, format string
	estimateOnly               bool
}

func init() { commands = append(commands, newPlanCommand) }

func newPlanCommand(e *env) *cobra.Command {
	o := &planOptions{}
	c := &cobra.Command{
		Use:   "plan --source URL [-c dbtwin.yaml] [--format text|json]",
		Short: "Show what a clone would take, table by table, before any data moves",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return runPlan(e, o) },
	}
	c.Flags().StringVar(&o.source, "source", "", "source database URL (or DBTWIN_SOURCE)")
	c.Flags().StringVarP(&o.configFile, "config", "c", "", "dbtwin.yaml")
	c.Flags().StringVar(&o.format, "format", "text", "text or json")
	c.Flags().BoolVar(&o.estimateOnly, "estimate-only", false, "subsets: only estimate, do not run the (read-only) traversal that shows the exact rows per table and relation")
	return c
}

// PlanJSON is the versioned JSON form of `dbtwin plan`.
type PlanJSON struct {
	Version int          `json:"version"`
	Source  string       `json:"source"`
	Subset  *subset.Plan `json:"subset,omitempty"`
	// Selection is what the subset traversal selects, per table, with the
	// rows each relation added (absent with --estimate-only).
	Selection []subset.TableResult `json:"selection,omitempty"`
	Tables    []PlanTableJSON      `json:"tables"`
	Masked    map[string][]string  `json:"masked_columns"`
	// Unmasked lists columns that look personal and have no rule (strict mode refuses them).
	Unmasked []string `json:"unmasked_personal_columns"`
}

// PlanTableJSON is one table of PlanJSON.
type PlanTableJSON struct {
	Table         string `json:"table"`
	Rule          string `json:"rule"`
	How           string `json:"how"`
	SourceRows    int64  `json:"source_rows"`
	EstimatedRows int64  `json:"estimated_rows"`
}

func runPlan(e *env, o *planOptions) error {
	if o.format != "text" && o.format != "json" {
		return fmt.Errorf("%w: --format must be text or json", dbtwin.ErrUsage)
	}
	src := fromEnv(o.source, "DBTWIN_SOURCE")
	if err := required(src, "--source", "DBTWIN_SOURCE"); err != nil {
		return err
	}
	cfg := &config.Config{Version: 1}
	if o.configFile != "" {
		var err error
		if cfg, err = config.LoadContext(e.ctx, o.configFile); err != nil {
			return err
		}
	}
	db, snap, err := openSnapshot(e.ctx, src, 0)
	if err != nil {
		return err
	}
	defer db.Close()
	defer snap.Close()
	schema := snap.Schema()
	if err := config.Validate(cfg, schema); err != nil {
		return err
	}
	masking, err := clone.ResolveMasking(schema, cfg)
	if err != nil {
		return err
	}
	if cfg.StrictEnabled() {
		if err := masking.DetectInData(e.ctx, snap, schema, cfg); err != nil {
			return err
		}
	}
	var selection *subset.Selection
	out := PlanJSON{Version: 1, Source: dbtwin.RedactURL(src), Masked: map[string][]string{}, Unmasked: nonNil(masking.Unmasked)}
	if cfg.Subset != nil {
		p, err := subset.NewPlan(schema, cfg.ResolvedRelations(schema), cfg.Subset)
		if err != nil {
			return err
		}
		if err := p.Estimate(e.ctx, snap); err != nil {
			return fmt.Errorf("estimate the subset: %w", err)
		}
		out.Subset = p
		if !o.estimateOnly {
			sel, err := subset.Select(e.ctx, snap, p, subset.Options{})
			if err != nil {
				return fmt.Errorf("run the subset traversal (read-only; --estimate-only skips it): %w", err)
			}
			selection = sel
			out.Selection = sel.Tables()
		}
		for _, tp := range p.Tables {
			out.Tables = append(out.Tables, PlanTableJSON{Table: tp.Table, Rule: tp.Rule, How: tp.How, SourceRows: tp.SourceRows, EstimatedRows: tp.EstimatedRows})
		}
	} else {
		for _, t := range schema.Tables {
			if !t.HasRows() {
				continue
			}
			n, err := snap.Count(e.ctx, t, "")
			if err != nil {
				return fmt.Errorf("count rows of %s: %w", t.QualifiedName(), err)
			}
			out.Tables = append(out.Tables, PlanTableJSON{Table: t.QualifiedName(), Rule: "full", How: "full copy", SourceRows: n, EstimatedRows: n})
		}
	}
	for _, t := range schema.Tables {
		if cols := masking.Columns(t.QualifiedName()); len(cols) > 0 {
			out.Masked[t.QualifiedName()] = cols
		}
	}
	if o.format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if out.Subset != nil {
		if err := out.Subset.WriteText(e.stdout); err != nil {
			return err
		}
		if selection != nil {
			fmt.Fprintf(e.stdout, "\nselection (the traversal run read-only now: the rows the clone would take, and which relation added how many):\n")
			if err := selection.WriteText(e.stdout); err != nil {
				return err
			}
		}
		var masked []string
		for _, t := range out.Tables {
			if cols := out.Masked[t.Table]; len(cols) > 0 {
				masked = append(masked, t.Table+": "+strings.Join(cols, ", "))
			}
		}
		if len(masked) > 0 {
			fmt.Fprintf(e.stdout, "\nmasked columns:\n  %s\n", strings.Join(masked, "\n  "))
		}
	} else {
		writePlanTable(e, out)
	}
	if len(out.Unmasked) > 0 {
		fmt.Fprintf(e.stdout, "\n%d column(s) look personal and have no rule (strict mode will refuse the clone):\n  %s\n",
			len(out.Unmasked), strings.Join(out.Unmasked, "\n  "))
	}
	return nil
}

func writePlanTable(e *env, out PlanJSON) {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tSOURCE ROWS\tTWIN ROWS (est.)\tMASKED COLUMNS")
	for _, t := range out.Tables {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Table, count(t.SourceRows), count(t.EstimatedRows), strings.Join(out.Masked[t.Table], ", "))
	}
	tw.Flush()
}
