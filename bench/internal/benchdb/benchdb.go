// Package benchdb builds and times benchmark databases on a PostgreSQL server.
package benchdb

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// AdminURL is the server the benchmarks use.
func AdminURL() string {
	if u := os.Getenv("DBTWIN_BENCH_POSTGRES_URL"); u != "" {
		return u
	}
	if u := os.Getenv("DBTWIN_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// WithDB returns the admin URL pointed at another database.
func WithDB(admin, db string) string {
	u, err := url.Parse(admin)
	if err != nil {
		return admin
	}
	u.Path = "/" + db
	return u.String()
}

// Exec runs SQL on a database URL.
func Exec(ctx context.Context, dbURL, sql string) error {
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql)
	return err
}

// Recreate drops and creates a database, returning its URL.
func Recreate(ctx context.Context, admin, name string) (string, error) {
	if err := Exec(ctx, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if err := Exec(ctx, admin, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		return "", err
	}
	return WithDB(admin, name), nil
}

// Drop drops a database.
func Drop(ctx context.Context, admin, name string) {
	_ = Exec(ctx, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
}

// Time runs fn and returns its duration.
func Time(fn func() error) (time.Duration, error) {
	start := time.Now()
	err := fn()
	return time.Since(start), err
}

// Run runs a command, returning its peak resident memory in bytes.
func Run(ctx context.Context, env []string, name string, args ...string) (peakRSS int64, err error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peakRSS = ru.Maxrss * 1024
		}
	}
	if err != nil {
		return peakRSS, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, tail(out.String(), 2000))
	}
	return peakRSS, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// Workspace makes a temporary folder, builds the dbtwin binary into it and
// returns the binary, the folder (for the benchmark's other files) and a
// cleanup function.
func Workspace(ctx context.Context) (bin, dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "dbtwin-bench-")
	if err != nil {
		return "", "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	if bin, err = buildDbtwin(ctx, dir); err != nil {
		cleanup()
		return "", "", nil, err
	}
	return bin, dir, cleanup, nil
}

// buildDbtwin compiles the dbtwin binary into dir and returns its path.
func buildDbtwin(ctx context.Context, dir string) (string, error) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "..")
	bin := filepath.Join(dir, "dbtwin")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/dbtwin")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build dbtwin: %w\n%s", err, out)
	}
	return bin, nil
}

// RawCopy copies one table with `psql -c "COPY t TO STDOUT" | psql -c "COPY t
// FROM STDIN"`, the usual raw pipe: the baseline dbtwin is held to.
func RawCopy(ctx context.Context, srcURL, dstURL, table string) error {
	script := fmt.Sprintf(`psql -X -q -d "$SRC" -c 'COPY %s TO STDOUT' | psql -X -q -v ON_ERROR_STOP=1 -d "$DST" -c 'COPY %s FROM STDIN'`, table, table)
	cmd := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", script)
	cmd.Env = append(os.Environ(), "SRC="+srcURL, "DST="+dstURL)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("raw COPY of %s: %w: %s", table, err, out)
	}
	return nil
}

// Report prints an aligned line.
func Report(w io.Writer, label string, d time.Duration, rows int64, base time.Duration) {
	ratio := ""
	if base > 0 {
		ratio = fmt.Sprintf("  %.2fx dbtwin's time", float64(d)/float64(base))
	}
	fmt.Fprintf(w, "%-34s %9.2fs  %12.0f rows/s%s\n", label, d.Seconds(), float64(rows)/d.Seconds(), ratio)
}

// MaxRSS returns a finished process's peak resident memory in bytes.
func MaxRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return 0
}
