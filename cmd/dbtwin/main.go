// Command dbtwin makes twins of production databases: same schema, same shapes
// and relationships, no real person's data. See the README.
package main

import (
	"os"
	"runtime/pprof"

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
	code := cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	pprof.StopCPUProfile()
	os.Exit(code)
}
