package dbtwintest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dbtwin/dbtwin"
)

var sqliteStates sync.Map // fingerprint -> *sqliteTemplate

// sqliteTemplate is a consistent copy of one state of a SQLite source.
type sqliteTemplate struct {
	once sync.Once
	path string
	err  error
}

func newSQLite(ctx context.Context, t testing.TB, src *dbtwin.URL) (*DB, error) {
	if src.Path == "" {
		return nil, fmt.Errorf("source %s names no file: write sqlite:PATH", src.Redacted())
	}
	abs, err := filepath.Abs(src.Path)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Path, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("source SQLite database %s: %w (give the path of a twin made with dbtwin clone)", abs, err)
	}
	fp := fmt.Sprintf("%s|%d|%d", abs, fi.Size(), fi.ModTime().UnixNano())
	if wal, err := os.Stat(abs + "-wal"); err == nil {
		fp += fmt.Sprintf("|wal %d|%d", wal.Size(), wal.ModTime().UnixNano())
	}
	v, _ := sqliteStates.LoadOrStore(fp, &sqliteTemplate{})
	st := v.(*sqliteTemplate)
	st.once.Do(func() { st.path, st.err = prepareSQLiteTemplate(ctx, abs, shortHash(abs), shortHash(fp)) })
	if st.err != nil {
		return nil, st.err
	}

	path := filepath.Join(t.TempDir(), "twin.db")
	if err := copyFile(st.path, path); err != nil {
		return nil, fmt.Errorf("copy template %s for the test: %w", st.path, err)
	}
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		if db != nil {
			_ = db.Close()
		}
		return nil, fmt.Errorf("open test database %s: %w", path, err)
	}
	t.Cleanup(func() { _ = db.Close() }) // runs before t.TempDir's removal
	return &DB{DB: db, URL: "sqlite:" + path, Dialect: "sqlite", Name: path}, nil
}

// prepareSQLiteTemplate writes a consistent copy of the source (VACUUM INTO,
// read-only) to the shared temporary directory, named after the source's
// path and state so test processes reuse it; copies of earlier states of the
// same source are removed.
func prepareSQLiteTemplate(ctx context.Context, src, srcID, fpID string) (string, error) {
	dir := filepath.Join(os.TempDir(), "dbtwintest")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("template directory: %w", err)
	}
	final := filepath.Join(dir, srcID+"-"+fpID+".db")
	if _, err := os.Stat(final); err == nil {
		return final, nil
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(dir, srcID+"-"+fpID+"."+hex.EncodeToString(rnd[:])+".partial")
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: filepath.ToSlash(src), RawQuery: "mode=ro&_pragma=busy_timeout(10000)"}).String())
	if err != nil {
		return "", fmt.Errorf("open source %s: %w", src, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("copy source %s (VACUUM INTO %s): %w", src, tmp, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("template %s: %w", final, err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, srcID+"-*.db"))
	for _, f := range old {
		if f != final && !strings.HasSuffix(f, ".partial") {
			_ = os.Remove(f)
		}
	}
	return final, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// sqliteDSN opens a test's file with foreign keys enforced and a busy
// timeout, as an application usually does.
func sqliteDSN(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path),
		RawQuery: "_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)"}).String()
}
