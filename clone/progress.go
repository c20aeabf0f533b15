package clone

import "github.com/dbtwin/dbtwin/internal/pipeline"

// Progress receives events while a clone copies data, for progress bars or
// logs. Tables are named schema.table (table for SQLite). Events for
// different tables arrive from several goroutines at once, so
// implementations must be safe for concurrent use.
type Progress interface {
	// Start is called once, before any data moves, with every table the
	// clone will copy.
	Start(tables []PlannedTable)
	// TableStarted and TableDone bracket each table's copy; Advance reports
	// the table's running totals (rows and bytes written so far).
	TableStarted(table string)
	Advance(table string, rows, bytes int64)
	// TableDone gives the table's final totals, or the error that stopped it.
	TableDone(table string, rows, bytes int64, err error)
	// Finish is called once, after the last table.
	Finish()
}

// PlannedTable is one table a clone is about to copy.
type PlannedTable struct {
	// Table is the qualified name (schema.table, or table for SQLite).
	Table string
	// EstimatedRows is the engine's row estimate, -1 when unknown. It is an
	// estimate: the rows copied may differ (subsets, concurrent writes).
	EstimatedRows int64
}

// progressAdapter feeds the internal pipeline's events to a Progress.
type progressAdapter struct{ p Progress }

func pipelineProgress(p Progress) pipeline.Progress {
	if p == nil {
		return nil
	}
	return progressAdapter{p}
}

func (a progressAdapter) Start(jobs []pipeline.Job) {
	tables := make([]PlannedTable, len(jobs))
	for i, j := range jobs {
		tables[i] = PlannedTable{Table: j.Table.QualifiedName(), EstimatedRows: j.EstimatedRows}
	}
	a.p.Start(tables)
}

func (a progressAdapter) TableStarted(table string) { a.p.TableStarted(table) }

func (a progressAdapter) Advance(table string, rows, bytes int64) { a.p.Advance(table, rows, bytes) }

func (a progressAdapter) TableDone(table string, rows, bytes int64, err error) {
	a.p.TableDone(table, rows, bytes, err)
}

func (a progressAdapter) Finish() { a.p.Finish() }
