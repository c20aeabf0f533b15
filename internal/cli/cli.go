// Package cli implements the dbtwin command line: one file per command, each
// an options struct and a run function. Run is the whole program, so tests
// call it directly with their own arguments and output buffers.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dbtwin/dbtwin"
	_ "github.com/dbtwin/dbtwin/mysql" // register the engines
	_ "github.com/dbtwin/dbtwin/postgres"
	_ "github.com/dbtwin/dbtwin/sqlite"
)

// Exit codes, as in the README.
const (
	ExitOK      = 0
	ExitProblem = 1
	ExitError   = 2
)

// problemError marks "the job ran and found a problem" (exit 1).
type problemError struct{ err error }

func (p problemError) Error() string { return p.err.Error() }
func (p problemError) Unwrap() error { return p.err }

// Problem wraps err so that the command exits with code 1.
func Problem(err error) error { return problemError{err} }

// silentProblem exits 1 without printing (the report already said it).
var silentProblem = errors.New("problem found")

// env carries the streams and context of one invocation.
type env struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
}

// Run runs dbtwin with args (without the program name) and returns the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "dbtwin",
		Short:         "Twins of production databases: same schema and shapes, no real person's data",
		SilenceUsage:  true,
		SilenceErrors: true,
		CompletionOptions: cobra.CompletionOptions{
			DisableDefaultCmd: true,
		},
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w: %v (see dbtwin %s --help)", dbtwin.ErrUsage, err, c.Name())
	})
	for _, add := range commands {
		root.AddCommand(add(e))
	}
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil && !errors.Is(err, context.Canceled) {
		// Interrupted (Ctrl-C): the database reports the cancelled statement
		// in its own words; say what happened first.
		err = fmt.Errorf("%w: %w", context.Canceled, err)
	}
	return exitCode(err, stderr)
}

// commands lists the constructors of every subcommand; each command file
// adds itself from init.
var commands []func(*env) *cobra.Command

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, silentProblem):
		return ExitProblem
	}
	var p problemError
	if errors.As(err, &p) {
		fmt.Fprintf(stderr, "dbtwin: %s\n", dbtwin.RedactText(err.Error()))
		return ExitProblem
	}
	msg := err.Error()
	if errors.Is(err, context.Canceled) {
		msg = "interrupted: " + strings.TrimPrefix(msg, context.Canceled.Error()+": ")
	}
	msg = strings.ReplaceAll(msg, dbtwin.ErrUsage.Error()+": ", "")
	// Last line of defence: no database URL's password reaches the terminal.
	msg = dbtwin.RedactText(msg)
	fmt.Fprintf(stderr, "dbtwin: error: %s\n", msg)
	if strings.HasPrefix(err.Error(), "unknown command") {
		fmt.Fprintln(stderr, "run dbtwin --help for the list of commands")
	}
	return ExitError
}

// fromEnv returns flag if set, else the environment variable.
func fromEnv(flag, variable string) string {
	if flag != "" {
		return flag
	}
	return os.Getenv(variable)
}

func required(value, flag, variable string) error {
	if value == "" {
		return fmt.Errorf("%w: %s is required (or set %s)", dbtwin.ErrUsage, flag, variable)
	}
	return nil
}
