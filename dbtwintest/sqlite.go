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
	"sync"

	"github.com/dbtwin/dbtwin"
)

var sqliteStates sync.Map // source state key -> *sqliteTemplate

// sqliteTemplate is a copy of one state of a SQLite source.
type sqliteTemplate struct {
	once sync.Once
	path string
	err  error
}

// sqliteSource says how to make a SQLite template: from a twin file
// (VACUUM INTO) or from a snapshot file (restore).
type sqliteSource struct {
	// id names the source, key its current state.
	id, key string
	// fill writes the source to a new file at path.
	fill func(ctx context.Context, path string) error
}

// fileSource is a SQLite twin file.
func fileSource(src *dbtwin.URL) (*sqliteSource, error) {
	if src.Path == "" {
		return nil, fmt.Errorf("source %s names no file: write sqlite:PATH", src.Redacted())
	}
	abs, err := filepath.Abs(src.Path)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Path, err)
	}
	key, err := fileState(abs)
	if err != nil {
		return nil, fmt.Errorf("source SQLite database %s: %w (give the path of a twin made with dbtwin clone)", abs, err)
	}
	if wal, err := os.Stat(abs + "-wal"); err == nil {
		key += fmt.Sprintf("|wal %d|%d", wal.Size(), wal.ModTime().UnixNano())
	}
	return &sqliteSource{id: abs, key: key, fill: func(ctx context.Context, path string) error {
		db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "mode=ro&_pragma=busy_timeout(10000)"}).String())
		if err != nil {
			return fmt.Errorf("open source %s: %w", abs, err)
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
			return fmt.Errorf("copy source %s (VACUUM INTO): %w", abs, err)
		}
		return nil
	}}, nil
}

// fileState is a file's path, size and modification time.
func fileState(abs string) (string, error) {
	fi, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s|%d|%d", abs, fi.Size(), fi.ModTime().UnixNano()), nil
}

func newSQLite(ctx context.Context, dir string, src *sqliteSource) (*DB, func() error, error) {
	v, _ := sqliteStates.LoadOrStore(src.key, &sqliteTemplate{})
	st := v.(*sqliteTemplate)
	st.once.Do(func() { st.path, st.err = prepareSQLiteTemplate(ctx, src) })
	if st.err != nil {
		return nil, nil, st.err
	}

	path := filepath.Join(dir, "twin.db")
	if err := copyFile(st.path, path); err != nil {
		return nil, nil, fmt.Errorf("copy template %s for the test: %w", st.path, err)
	}
	release := func() error {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("remove test database: %w", err)
			}
		}
		return nil
	}
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		if db != nil {
			_ = db.Close()
		}
		_ = release()
		return nil, nil, fmt.Errorf("open test database %s: %w", path, err)
	}
	return &DB{DB: db, URL: "sqlite:" + path, Dialect: "sqlite", Name: path}, func() error {
		_ = db.Close()
		return release()
	}, nil
}

// prepareSQLiteTemplate writes a copy of the source to the shared temporary
// directory, named after the source and its state so test processes reuse
// it; copies of earlier states of the same source are removed.
func prepareSQLiteTemplate(ctx context.Context, src *sqliteSource) (string, error) {
	dir := filepath.Join(os.TempDir(), "dbtwintest")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("template directory: %w", err)
	}
	srcID := shortHash(src.id)
	final := filepath.Join(dir, srcID+"-"+shortHash(src.key)+".db")
	if _, err := os.Stat(final); err == nil {
		return final, nil
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(dir, "partial-"+hex.EncodeToString(rnd[:])+".db")
	if err := src.fill(ctx, tmp); err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	if err := os.Rename(tmp, final); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("template %s: %w", final, err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, srcID+"-*.db"))
	for _, f := range old {
		if f != final {
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
