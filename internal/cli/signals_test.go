package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// The test binary re-executes itself as the dbtwin command (cli.Main, signal
// handling included) when DBTWIN_TEST_AS_CLI is set.
func init() {
	if os.Getenv("DBTWIN_TEST_AS_CLI") == "1" {
		if ready := os.Getenv("DBTWIN_TEST_READY_FILE"); ready != "" {
			signalsReady = func() { _ = os.WriteFile(ready, nil, 0o644) }
		}
		os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
}

// startCLI runs dbtwin (this test binary as the command) in a process and
// returns once it handles signals (on a loaded machine the process may
// take a while to start; a signal before that kills it by default).
func startCLI(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "DBTWIN_TEST_AS_CLI=1", "DBTWIN_TEST_READY_FILE="+ready)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(ready); err == nil {
			break
		}
	}
	return cmd, &out
}

// waitExit waits for the process; a process that does not end within a
// minute after its signal is the failure this test exists for.
func waitExit(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return cmd.ProcessState.ExitCode()
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("dbtwin did not exit within a minute of SIGTERM")
	}
	return -1
}

// Issue 14, item 9: SIGTERM during a clone stops it, empties the target and
// exits 2; the same signal while a large config is being read ends the run
// too.
func TestSignalsCancelEveryPhase(t *testing.T) {
	src, dst := dbtest.Postgres(t), dbtest.Postgres(t)
	dbtest.Exec(t, src, `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS s FROM generate_series(1, 1500000) g;
ALTER TABLE big ADD PRIMARY KEY (id);`)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		cmd, out := startCLI(t, "clone", "--source", src, "--target", dst, "--strict=false", "--replace")
		// Signal once the copy has started (the target has the table).
		deadline := time.Now().Add(time.Minute)
		for dbtest.QueryInt(t, dst, "SELECT count(*) FROM pg_tables WHERE tablename = 'big'") == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cmd.Process.Signal(sig)
		code := waitExit(t, cmd)
		if code == 0 {
			t.Logf("%v: the clone finished before the signal arrived; nothing to check", sig)
			continue
		}
		if code != 2 || !strings.Contains(out.String(), "interrupted") {
			t.Errorf("%v: exit %d\n%s", sig, code, out)
		}
		if n := dbtest.QueryInt(t, dst, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"); n != 0 {
			t.Errorf("%v: the interrupted clone left %d tables in the target", sig, n)
		}
	}
	// A config big enough to take a while to read.
	var b strings.Builder
	b.WriteString("version: 1\nmask:\n  public.big:\n")
	for i := 0; b.Len() < 7<<20; i++ {
		fmt.Fprintf(&b, "    unknown_column_%07d: email\n", i)
	}
	cfg := writeTemp(t, "dbtwin.yaml", b.String())
	cmd, out := startCLI(t, "plan", "--source", src, "-c", cfg)
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	if code := waitExit(t, cmd); code != 2 {
		t.Errorf("plan with a large config: exit %d\n%s", code, out)
	}
	if out.Len() > 20000 {
		t.Errorf("plan printed %d bytes for a config with many problems", out.Len())
	}
}

// A run that ends normally says nothing about an interruption.
func TestNoInterruptionMessageOnNormalExit(t *testing.T) {
	for i := 0; i < 20; i++ {
		cmd, out := startCLI(t, "transformers")
		if code := waitExit(t, cmd); code != 0 || strings.Contains(out.String(), "interrupted") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	}
}

// Issue 14, item 13: a masked clone interrupted after its data and post-data
// are in (while it verifies and finishes the leak scan) is emptied and never
// marked complete: "complete" is written last, after the leak scan.
func TestInterruptedLeakScanNeverLooksComplete(t *testing.T) {
	t.Setenv("DBTWIN_SECRET", testSecret)
	src, dst := dbtest.Postgres(t), dbtest.Postgres(t)
	dbtest.Exec(t, src, `CREATE TABLE people AS SELECT g AS id, 'person' || g || '@mail.example.org' AS email, md5(g::text) AS note
FROM generate_series(1, 600000) g;
ALTER TABLE people ADD PRIMARY KEY (id);`)
	cfg := writeTemp(t, "dbtwin.yaml", "version: 1\nstrict: false\nmask:\n  people:\n    email: email\n")
	cmd, out := startCLI(t, "clone", "--source", src, "--target", dst, "-c", cfg, "--replace")
	// Signal once post-data has built the primary key: the clone is then
	// verifying and joining the leak scan's digests.
	deadline := time.Now().Add(2 * time.Minute)
	for dbtest.QueryInt(t, dst, "SELECT count(*) FROM pg_indexes WHERE tablename = 'people'") == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	code := waitExit(t, cmd)
	comment := dbtest.QueryString(t, dst, "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = current_database()")
	if code == 0 {
		if !strings.Contains(comment, "complete") {
			t.Fatalf("a finished clone is not marked complete: %q", comment)
		}
		t.Log("the clone finished before the signal arrived; nothing more to check")
		return
	}
	if code != 2 || !strings.Contains(out.String(), "interrupted") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if strings.Contains(comment, "clone complete") {
		t.Fatalf("an interrupted masked clone is marked complete: %q", comment)
	}
	if n := dbtest.QueryInt(t, dst, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"); n != 0 {
		t.Fatalf("the interrupted clone left %d tables in the target", n)
	}
}
