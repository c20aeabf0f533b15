// Command dbtwin makes twins of production databases: same schema, same shapes
// and relationships, no real person's data. See the README.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/dbtwin/dbtwin/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
