package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/verify"
)

type verifyOptions struct {
	source, target, configFile, format string
	jobs                               int
}

func init() { commands = append(commands, newVerifyCommand) }

func newVerifyCommand(e *env) *cobra.Command {
	o := &verifyOptions{}
	c := &cobra.Command{
		Use:   "verify --source URL --target URL [-c dbtwin.yaml]",
		Short: "Leak scan: prove that no original personal value survived in the twin",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return runVerify(e, o) },
	}
	f := c.Flags()
	f.StringVar(&o.source, "source", "", "source (production) database URL (or DBTWIN_SOURCE)")
	f.StringVar(&o.target, "target", "", "the twin's URL (or DBTWIN_TARGET)")
	f.StringVarP(&o.configFile, "config", "c", "", "dbtwin.yaml the twin was made with (its mask rules and keep list)")
	f.StringVar(&o.format, "format", "text", "text or json")
	f.IntVar(&o.jobs, "jobs", 2, "tables read at once on each side")
	return c
}

func runVerify(e *env, o *verifyOptions) error {
	src, dst := fromEnv(o.source, "DBTWIN_SOURCE"), fromEnv(o.target, "DBTWIN_TARGET")
	if err := required(src, "--source", "DBTWIN_SOURCE"); err != nil {
		return err
	}
	if err := required(dst, "--target", "DBTWIN_TARGET"); err != nil {
		return err
	}
	if o.format != "text" && o.format != "json" {
		return fmt.Errorf("%w: --format must be text or json", dbtwin.ErrUsage)
	}
	cfg := &config.Config{Version: 1}
	if o.configFile != "" {
		var err error
		if cfg, err = config.LoadContext(e.ctx, o.configFile); err != nil {
			return err
		}
	}
	rep, err := verify.RunURL(e.ctx, src, dst, cfg, verify.Options{Jobs: max(o.jobs, 1)})
	if err != nil {
		return err
	}
	if o.format == "json" {
		err = rep.WriteJSON(e.stdout)
	} else {
		err = rep.WriteText(e.stdout)
	}
	if err != nil {
		return err
	}
	if !rep.OK() {
		return silentProblem
	}
	return nil
}
