package dbtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

var (
	pgOnce   sync.Once
	pgAdmin  string
	pgErr    error
	pgServer *throwaway
)

// DefaultLocalPostgres is tried when DBTWIN_TEST_POSTGRES_URL is not set.
const DefaultLocalPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// PostgresAdminURL returns a URL with rights to create databases: the one in
// DBTWIN_TEST_POSTGRES_URL, else the local server, else a throwaway server.
func PostgresAdminURL(t testing.TB) string {
	t.Helper()
	pgOnce.Do(func() { pgAdmin, pgErr = findPostgres() })
	if pgErr != nil {
		Unavailable(t, "no PostgreSQL server: %v", pgErr)
	}
	return pgAdmin
}

func findPostgres() (string, error) {
	if u := os.Getenv("DBTWIN_TEST_POSTGRES_URL"); u != "" {
		if err := ping(u); err != nil {
			return "", fmt.Errorf("DBTWIN_TEST_POSTGRES_URL is set but unreachable: %w", err)
		}
		return u, nil
	}
	if err := ping(DefaultLocalPostgres); err == nil {
		return DefaultLocalPostgres, nil
	}
	s, err := startThrowaway()
	if err != nil {
		return "", fmt.Errorf("no server at 127.0.0.1:5432 and could not start one with initdb/pg_ctl: %w", err)
	}
	pgServer = s
	return s.url, nil
}

func ping(u string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	return c.Close(ctx)
}

// Main runs the tests of a package and stops a throwaway server, if one was
// started. Use it from TestMain: func TestMain(m *testing.M) { dbtest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if pgServer != nil {
		pgServer.stop()
	}
	os.Exit(code)
}

type throwaway struct {
	dir, pgctl, url string
	asUser          string
}

func pgBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) == 0 {
		return "", fmt.Errorf("%s not found: install PostgreSQL server binaries (apt-get install postgresql)", name)
	}
	return matches[len(matches)-1], nil
}

func startThrowaway() (*throwaway, error) {
	initdb, err := pgBinary("initdb")
	if err != nil {
		return nil, err
	}
	pgctl, err := pgBinary("pg_ctl")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "dbtwin-pg-")
	if err != nil {
		return nil, err
	}
	s := &throwaway{dir: dir, pgctl: pgctl}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root: run it as the postgres user.
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root and no postgres user to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		s.asUser = "postgres"
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if out, err := s.run(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200", port, dir)
	if out, err := s.run(pgctl, "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "start"); err != nil {
		return nil, fmt.Errorf("pg_ctl start: %w: %s", err, out)
	}
	s.url = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	return s, ping(s.url)
}

func (s *throwaway) run(bin string, args ...string) (string, error) {
	var cmd *exec.Cmd
	if s.asUser != "" {
		quoted := make([]string, 0, len(args)+1)
		for _, a := range append([]string{bin}, args...) {
			quoted = append(quoted, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
		}
		cmd = exec.Command("su", s.asUser, "-s", "/bin/sh", "-c", strings.Join(quoted, " "))
	} else {
		cmd = exec.Command(bin, args...)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (s *throwaway) stop() {
	_, _ = s.run(s.pgctl, "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "stop")
	_ = os.RemoveAll(s.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
