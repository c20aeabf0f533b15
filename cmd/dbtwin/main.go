// Command dbtwin makes twins of production databases: same schema, same shapes
// and relationships, no real person's data. See the README.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/dbtwin/dbtwin/internal/cli"
)

func main() {
	// DBTWIN_CPUPROFILE=FILE writes a Go CPU profile of the run (for
	// performance work: go tool pprof FILE).
	if path := os.Getenv("DBTWIN_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if err := pprof.StartCPUProfile(f); err == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	pprof.StopCPUProfile()
	os.Exit(code)
}
