package mysql

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// ExportSchema captures the schema of snap (a snapshot of this source): the
// tables' definitions split for a fast load, and the views, routines,
// triggers and events, so a target can be built from it without the source
// (dbtwin snapshot create).
func (s *Source) ExportSchema(ctx context.Context, snap dbtwin.Snapshot) (*dbtwin.SchemaDump, error) {
	ms, ok := snap.(*snapshot)
	if !ok || ms.src != s {
		return nil, fmt.Errorf("export schema: the snapshot is not one of this MySQL source's")
	}
	defs, err := readSchema(ctx, snap, s.name)
	if err != nil {
		return nil, fmt.Errorf("export the schema of MySQL %s: %w", s.url.Redacted(), err)
	}
	data, err := json.Marshal(defs)
	if err != nil {
		return nil, err
	}
	return &dbtwin.SchemaDump{Engine: Engine, ServerVersion: s.version, VersionNum: versionNum(s.version), Data: data}, nil
}

// ImportSchema creates the tables of a schema exported by ExportSchema and
// returns the indexes, foreign keys and other objects as its PostData.
func (t *Target) ImportSchema(ctx context.Context, dump *dbtwin.SchemaDump) (dbtwin.PostData, error) {
	if dump == nil || dump.Engine != Engine {
		engine := "nothing"
		if dump != nil {
			engine = dump.Engine
		}
		return nil, fmt.Errorf("%w: MySQL target %s: the schema comes from %s: restore into a %s database instead", dbtwin.ErrUsage, t.url.Redacted(), engine, engine)
	}
	var defs schemaDefs
	if err := json.Unmarshal(dump.Data, &defs); err != nil {
		return nil, fmt.Errorf("MySQL schema dump: %w", err)
	}
	return t.createTables(ctx, &defs)
}

// versionNum turns "10.11.19-MariaDB-0+deb12u1" or "8.0.36" into 101119 or
// 80036 (major*10000 + minor*100 + patch).
func versionNum(v string) int {
	v, _, _ = strings.Cut(v, "-")
	parts := strings.SplitN(v, ".", 3)
	n := 0
	for i := 0; i < 3; i++ {
		x := 0
		if i < len(parts) {
			x, _ = strconv.Atoi(parts[i])
		}
		n = n*100 + x
	}
	return n
}
