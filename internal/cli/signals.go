package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// signalsReady, when set (tests), is called once Main handles signals: a
// signal sent earlier would end the process by its default action.
var signalsReady func()

// Main runs dbtwin as the command does: SIGINT (Ctrl-C) or SIGTERM cancels
// every phase (reading the config, the scan, the copy, the post-data, the
// checks); the run then cleans up what it must (an interrupted clone empties
// its target) and exits 2. A second signal during the cleanup ends the
// process at once.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if signalsReady != nil {
		signalsReady()
	}
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		select {
		case <-ctx.Done():
			// Restore the default handling: the next signal kills.
			stop()
			fmt.Fprintln(stderr, "dbtwin: interrupted: stopping and cleaning up (signal again to quit at once)")
		case <-done:
		}
	}()
	code := Run(ctx, args, stdin, stdout, stderr)
	close(done)
	<-exited
	stop()
	return code
}
