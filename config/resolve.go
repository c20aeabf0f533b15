package config

import (
	"sync"

	"github.com/dbtwin/dbtwin"
)

// Resolved is a config's table and column references resolved against one
// schema, built once (Resolve) so that per-column questions — is it kept,
// what is its rule — are map lookups, whatever the size of the schema.
type Resolved struct {
	schema *dbtwin.Schema
	keep   map[colKey]Ref
	rules  map[colKey]*ColumnRule
	// byTable lists, per qualified table name, its kept columns and ruled
	// columns in config order.
	keptBy  map[string][]string
	rulesBy map[string][]*ColumnRule
}

type colKey struct{ table, column string }

// Resolve resolves cfg's keep: and mask: references against s. Unknown
// tables and columns are left out (Validate reports them). A nil cfg gives
// an empty index.
func Resolve(cfg *Config, s *dbtwin.Schema) *Resolved {
	r := &Resolved{schema: s, keep: map[colKey]Ref{}, rules: map[colKey]*ColumnRule{},
		keptBy: map[string][]string{}, rulesBy: map[string][]*ColumnRule{}}
	if cfg == nil || s == nil {
		return r
	}
	for _, k := range cfg.Keep {
		t, c, ok := SplitColumnRef(s, k.Text)
		if !ok {
			continue
		}
		key := colKey{t.QualifiedName(), c.Name}
		if _, dup := r.keep[key]; !dup {
			r.keptBy[key.table] = append(r.keptBy[key.table], c.Name)
		}
		r.keep[key] = k
	}
	// A partition's columns are kept when its partitioned parent's are.
	for _, t := range s.Tables {
		for p, depth := t, 0; p != nil && p.PartitionOf != "" && depth < 32; depth++ {
			p = s.Table(p.PartitionOf)
			if p == nil {
				break
			}
			for _, c := range r.keptBy[p.QualifiedName()] {
				key := colKey{t.QualifiedName(), c}
				if _, dup := r.keep[key]; !dup && t.Column(c) != nil {
					r.keep[key] = r.keep[colKey{p.QualifiedName(), c}]
					r.keptBy[key.table] = append(r.keptBy[key.table], c)
				}
			}
		}
	}
	for i := range cfg.Mask {
		tm := &cfg.Mask[i]
		t := s.Table(tm.Table)
		if t == nil {
			continue
		}
		q := t.QualifiedName()
		for j := range tm.Columns {
			cr := &tm.Columns[j]
			r.rules[colKey{q, cr.Column}] = cr
			r.rulesBy[q] = append(r.rulesBy[q], cr)
		}
	}
	return r
}

// Kept reports whether table (qualified name) .column is under keep:.
func (r *Resolved) Kept(table, column string) bool {
	_, ok := r.keep[colKey{table, column}]
	return ok
}

// KeptColumns lists the kept columns of a table (qualified name).
func (r *Resolved) KeptColumns(table string) []string { return r.keptBy[table] }

// Rule returns the mask rule of table (qualified name) .column, if any.
func (r *Resolved) Rule(table, column string) (*ColumnRule, bool) {
	cr, ok := r.rules[colKey{table, column}]
	return cr, ok
}

// Rules lists the mask rules of a table (qualified name) in config order.
func (r *Resolved) Rules(table string) []*ColumnRule { return r.rulesBy[table] }

// resolvedCache remembers the last resolution of a config, so repeated
// Kept calls cost a map lookup.
type resolvedCache struct {
	mu     sync.Mutex
	schema *dbtwin.Schema
	keep   int
	mask   int
	r      *Resolved
}

// Resolved returns the config resolved against s, built on first use and
// reused while the schema and the config's keep and mask lists are unchanged.
func (cfg *Config) Resolved(s *dbtwin.Schema) *Resolved {
	if cfg == nil {
		return Resolve(nil, s)
	}
	cfg.cacheOnce.Do(func() { cfg.cache = &resolvedCache{} })
	c := cfg.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.r == nil || c.schema != s || c.keep != len(cfg.Keep) || c.mask != len(cfg.Mask) {
		c.r, c.schema, c.keep, c.mask = Resolve(cfg, s), s, len(cfg.Keep), len(cfg.Mask)
	}
	return c.r
}

// Kept reports whether table.column is listed under keep. table is the
// qualified name as in the schema.
func (cfg *Config) Kept(s *dbtwin.Schema, table, column string) bool {
	if cfg == nil || len(cfg.Keep) == 0 {
		return false
	}
	return cfg.Resolved(s).Kept(table, column)
}
