// Command dbtwin makes twins of production databases: same schema, same shapes
// and relationships, no real person's data. See the README.
package main

import (
	"os"
	"runtime/pprof"
	"runtime/trace"

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
	// DBTWIN_TRACE=FILE writes a Go execution trace of the run (where
	// goroutines wait: go tool trace FILE).
	if path := os.Getenv("DBTWIN_TRACE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if err := trace.Start(f); err == nil {
				defer trace.Stop()
			}
		}
	}
	code := cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	pprof.StopCPUProfile()
	trace.Stop()
	os.Exit(code)
}
