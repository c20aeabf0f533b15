package dbtwintest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/dbtwin/dbtwin/snapshot"
)

// snapshotFiles holds the snapshot files this process opened, by state.
var snapshotFiles sync.Map // state key -> *openedSnapshot

type openedSnapshot struct {
	once sync.Once
	file *snapshot.File
	err  error
}

// snapshotPath returns the path of source when it is a snapshot file (not a
// URL, and starting like a snapshot).
func snapshotPath(source string) (string, bool) {
	if strings.Contains(source, "://") || strings.HasPrefix(source, "sqlite:") {
		return "", false
	}
	return source, snapshot.IsSnapshot(source)
}

// snapshotSource opens (and checks, once per process and file state) a
// snapshot file and returns how to make a template of it for its engine.
func snapshotSource(path string, o options) (pg *pgSource, lite *sqliteSource, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot %s: %w", path, err)
	}
	key, err := fileState(abs)
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot %s: %w", abs, err)
	}
	v, _ := snapshotFiles.LoadOrStore(key, &openedSnapshot{})
	op := v.(*openedSnapshot)
	op.once.Do(func() { op.file, op.err = snapshot.Open(abs) })
	if op.err != nil {
		return nil, nil, fmt.Errorf("snapshot %s: %w", abs, op.err)
	}
	f := op.file
	restore := func(ctx context.Context, target string) error {
		_, err := snapshot.Restore(ctx, f, snapshot.RestoreOptions{Target: target, Jobs: 2})
		return err
	}
	switch f.Engine() {
	case "sqlite":
		return nil, &sqliteSource{id: "snapshot:" + abs, key: key, fill: restore}, nil
	case "postgres":
		admin := o.adminURL
		if admin == "" {
			admin = os.Getenv("DBTWINTEST_POSTGRES_URL")
		}
		if admin == "" {
			return nil, nil, fmt.Errorf("snapshot %s holds a PostgreSQL twin: name the server to restore it on with WithAdminURL(url) or DBTWINTEST_POSTGRES_URL (a role that may CREATE DATABASE)", abs)
		}
		return &pgSource{
			key: admin + "\x00snapshot:" + key, id: "snapshot:" + abs, base: admin, admin: admin, redact: abs,
			state: func(context.Context) (*sourceState, error) { return &sourceState{digest: key}, nil },
			fill:  restore,
		}, nil, nil
	default:
		return nil, nil, fmt.Errorf("snapshot %s holds a %s twin: dbtwintest supports PostgreSQL and SQLite", abs, f.Engine())
	}
}
