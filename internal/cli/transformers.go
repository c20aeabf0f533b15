package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/mask"
)

func init() { commands = append(commands, newTransformersCommand) }

func newTransformersCommand(e *env) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "transformers [NAME]",
		Short: "List the masking transformers, their parameters and whether they keep values unique",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			cat := mask.Catalogue()
			if len(args) == 1 {
				var names []string
				var keep []mask.Info
				for _, in := range cat {
					names = append(names, in.Name)
					if in.Name == args[0] {
						keep = append(keep, in)
					}
				}
				if len(keep) == 0 {
					return fmt.Errorf("%w: no transformer %q; run dbtwin transformers for the list", dbtwin.ErrUsage, args[0])
				}
				cat = keep
			}
			if format == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"version": 1, "transformers": cat})
			}
			for _, in := range cat {
				uniq := "no"
				if in.Unique {
					uniq = "yes"
					if in.UniqueNote != "" {
						uniq += " (" + in.UniqueNote + ")"
					}
				}
				fmt.Fprintf(e.stdout, "%s — %s\n  unique-preserving: %s; column kinds: %s\n", bold(e.stdout, in.Name), in.Summary, uniq, strings.Join(in.Kinds, ", "))
				if len(in.Params) > 0 {
					tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
					for _, p := range in.Params {
						def := p.Default
						if def != "" {
							def = "(default " + def + ")"
						}
						fmt.Fprintf(tw, "    %s\t%s\t%s %s\n", p.Name, p.Type, p.Doc, def)
					}
					tw.Flush()
				}
				fmt.Fprintln(e.stdout)
			}
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "text or json")
	return c
}
