package mysql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/dbtwin/dbtwin"
)

// Verify counts, for every foreign key of schema, the target's child rows
// whose key (all columns non-null) finds no parent row: the foreign keys
// were added with foreign_key_checks off, so the server did not check them.
// A table of schema missing from the target is an invalid constraint. The
// counts run in parallel, up to the target's writers at once.
func (t *Target) Verify(ctx context.Context, schema *dbtwin.Schema) (*dbtwin.Verification, error) {
	v := &dbtwin.Verification{DanglingReferences: map[string]int64{}}
	have := map[string]bool{}
	names, err := t.TableNames(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		have[n] = true
	}
	type job struct {
		key, q string
	}
	var jobs []job
	for _, tb := range schema.Tables {
		if !have[tb.Name] {
			v.InvalidConstraints = append(v.InvalidConstraints, fmt.Sprintf("table %s: missing from the twin", tb.Name))
			continue
		}
		for _, fk := range tb.ForeignKeys {
			jobs = append(jobs, job{tb.QualifiedName() + "." + fk.Name, danglingSQL(tb, fk)})
		}
	}
	// The counts run in parallel, up to the target's writers at once.
	var mu sync.Mutex
	var errs []error
	sem := make(chan struct{}, t.writers)
	var wg sync.WaitGroup
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			var n int64
			err := t.pool.QueryRowContext(ctx, j.q).Scan(&n)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("verify MySQL target %s: count dangling references of %s: %w", t.url.Redacted(), j.key, t.sanitize(err)))
				return
			}
			v.DanglingReferences[j.key] = n
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return v, nil
}

// danglingSQL counts rows of tb whose fk columns are all set and match no
// row of the referenced table.
func danglingSQL(tb *dbtwin.Table, fk *dbtwin.ForeignKey) string {
	var notNull, match []string
	for i, col := range fk.Columns {
		notNull = append(notNull, "c."+QuoteIdent(col)+" IS NOT NULL")
		if i < len(fk.RefColumns) {
			match = append(match, "p."+QuoteIdent(fk.RefColumns[i])+" = c."+QuoteIdent(col))
		}
	}
	return "SELECT COUNT(*) FROM " + QuoteIdent(tb.Name) + " c WHERE " + strings.Join(notNull, " AND ") +
		" AND NOT EXISTS (SELECT 1 FROM " + QuoteIdent(fk.RefTable) + " p WHERE " + strings.Join(match, " AND ") + ")"
}
