package scan

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/dbtwin/dbtwin"
)

// Run scans a snapshot: it samples every table within a bounded budget
// (Options.Sample rows per table, Options.MaxQueries statements), reports
// the columns holding personal data, and lists the declared foreign keys
// plus the links found in the data. Per-statement timeouts are the
// caller's (set on the session); Run stops when ctx is done.
func Run(ctx context.Context, snap dbtwin.Snapshot, opt Options) (*Result, error) {
	start := time.Now()
	opt = opt.withDefaults()
	schema := snap.Schema()
	if schema == nil {
		return nil, errors.New("scan: the snapshot has no schema")
	}
	engine := opt.Engine
	if engine == "" {
		engine = schema.Engine
	}
	if engine != "postgres" && engine != "sqlite" && engine != "mysql" {
		return nil, fmt.Errorf("scan: %w: engine %q is not supported by scan (postgres, sqlite and mysql are)", dbtwin.ErrUsage, engine)
	}
	s := &scanner{snap: snap, schema: schema, engine: engine, opt: opt}
	res := &Result{Version: ResultVersion, Engine: engine, PII: []PII{}, Relationships: []Relationship{}, Tables: []TableStats{}}
	if err := s.loadEstimates(ctx); err != nil {
		if errors.Is(err, errBudget) {
			return nil, fmt.Errorf("scan: MaxQueries %d is too small to scan anything: %w", opt.MaxQueries, err)
		}
		return nil, fmt.Errorf("scan: read table statistics: %w", err)
	}
	tables := append([]*dbtwin.Table(nil), schema.Tables...)
	sort.Slice(tables, func(i, j int) bool { return tables[i].QualifiedName() < tables[j].QualifiedName() })
	var samples []*tableSample
	piiCat := map[string]string{}
	skipped := 0
	for _, t := range tables {
		if t.PartitionOf != "" {
			continue // read through its partitioned parent
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		if s.queries >= opt.MaxQueries {
			skipped++
			continue
		}
		if opt.Progress != nil {
			opt.Progress(t.QualifiedName())
		}
		ts, err := s.sampleTable(ctx, t)
		if errors.Is(err, errBudget) {
			skipped++
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("scan: %w (check that the user may SELECT from it)", err)
		}
		res.Stats.Tables++
		res.Tables = append(res.Tables, TableStats{Table: t.QualifiedName(), Rows: ts.total, RowsExact: ts.full || ts.method == "rowid windows",
			Sampled: min(ts.rows, opt.Sample), Method: ts.method})
		if ts.total > 0 {
			res.Stats.DatabaseRows += ts.total
		} else {
			res.Stats.DatabaseRows += int64(ts.rows) // unknown size: at least what was read
		}
		found := classifyTable(ts, opt.Now)
		for _, p := range found {
			piiCat[p.Table+"."+p.Column] = p.Category
		}
		res.PII = append(res.PII, found...)
		samples = append(samples, ts)
	}
	if skipped > 0 {
		s.warnf("query budget (%d statements) reached: %d tables were not sampled", opt.MaxQueries, skipped)
	}
	res.Relationships = append(res.Relationships, declaredRelationships(schema)...)
	if !opt.SkipRelationships {
		found, err := s.discover(ctx, samples, piiCat)
		if err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		res.Relationships = append(res.Relationships, found...)
	}
	res.Stats.Rows, res.Stats.Queries = s.rows, s.queries
	res.Stats.Duration = time.Since(start)
	res.Warnings = s.warnings
	return res, nil
}

// classifyTable judges every column of a sampled table; columns that were
// not read (binary data, UUIDs) are judged by name alone.
func classifyTable(ts *tableSample, now time.Time) []PII {
	var out []PII
	table := ts.t.QualifiedName()
	read := map[string][]string{}
	for i, c := range ts.cols {
		read[c.Name] = ts.values[i]
	}
	for _, c := range ts.t.Columns {
		values, ok := read[c.Name]
		if !ok {
			g := kindGroup(c.Kind)
			if g != "bytes" && g != "uuid" {
				continue
			}
			h := hintFor(table, c.Name)
			if h.cat == "" || !allowed(g, h.cat) {
				continue
			}
			conf := 0.7
			if h.weak {
				conf = 0.4
			}
			out = append(out, PII{Table: table, Column: c.Name, Category: h.cat, Confidence: conf, Level: levelOf(conf),
				Evidence: []string{fmt.Sprintf("name matches '%s'", h.word), "binary or UUID column: judged by its name only"},
				Suggest:  suggestion(h.cat, c.Kind)})
			continue
		}
		if p := classifyColumn(table, c, values, now); p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// Sensitive returns the findings strict mode must treat as personal data:
// those of high or medium confidence.
func Sensitive(res *Result) []PII {
	if res == nil {
		return nil
	}
	var out []PII
	for _, p := range res.PII {
		if p.Level == LevelHigh || p.Level == LevelMedium {
			out = append(out, p)
		}
	}
	return out
}
