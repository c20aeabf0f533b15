package dbtwin

import (
	"context"
	"encoding/json"
)

// SchemaDump is a source's schema captured in a form that can be carried
// away from the source (in a snapshot file) and later create the same schema
// in a target of the same engine, with no access to the source.
type SchemaDump struct {
	// Engine is the engine the dump came from ("postgres", "sqlite").
	Engine string `json:"engine"`
	// ServerVersion is the source server's version as the engine spells it
	// ("15.4", "3.46.0"); VersionNum is the same as a comparable number
	// (PostgreSQL's server_version_num, SQLite's version number).
	ServerVersion string `json:"server_version"`
	VersionNum    int    `json:"version_num"`
	// Data is the engine's own description of the schema (DDL scripts,
	// sequence values, file settings); only that engine reads it.
	Data json.RawMessage `json:"data"`
}

// SchemaExporter is implemented by sources that can capture the schema of
// one of their snapshots as a SchemaDump (the engines' Sources, and snapshot
// files opened as sources).
type SchemaExporter interface {
	ExportSchema(ctx context.Context, snap Snapshot) (*SchemaDump, error)
}

// SchemaImporter is implemented by targets that can create a schema from a
// SchemaDump of their own engine. Like Target.CreateSchema, it creates what
// must exist before the data and returns the rest as a PostData step.
type SchemaImporter interface {
	ImportSchema(ctx context.Context, dump *SchemaDump) (PostData, error)
}
