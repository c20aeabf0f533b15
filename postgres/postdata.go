package postgres

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Post-data statements fall into steps that must run in order; within the
// parallel steps, statements run on up to Target.writers sessions at once,
// as pg_restore -j does:
//
//  1. indexes and primary-key / unique / exclusion constraints (parallel);
//  2. partition index attachments (in order: they need step 1 complete);
//  3. foreign keys (parallel; they need the keys they reference, attached);
//  4. everything else (triggers, rules, CLUSTER ON, ...) in pg_dump's order.
//
// The session settings at the top of the script (SET, set_config) run first
// on every session.
type postStep int

const (
	stepPreamble postStep = iota
	stepIndex
	stepAttach
	stepForeignKey
	stepRest
)

// qualifiedName matches a possibly schema-qualified, possibly quoted name.
const qualifiedName = `(?:"(?:[^"]|"")*"|[^\s".]+)(?:\.(?:"(?:[^"]|"")*"|[^\s".]+))?`

// constraintName matches a constraint name as pg_dump writes it: a quoted
// identifier (spaces, quotes and all) or a plain word.
const constraintName = `(?:"(?:[^"]|"")*"|\S+)`

var (
	reIndex   = regexp.MustCompile(`(?is)^CREATE\s+(UNIQUE\s+)?INDEX\s`)
	reKey     = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s.*\sADD\s+CONSTRAINT\s+` + constraintName + `\s+(PRIMARY\s+KEY|UNIQUE|EXCLUDE)\s`)
	reFK      = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s.*\sADD\s+CONSTRAINT\s+` + constraintName + `\s+FOREIGN\s+KEY\s`)
	reAttach  = regexp.MustCompile(`(?is)^ALTER\s+INDEX\s.*\sATTACH\s+PARTITION\s`)
	rePreface = regexp.MustCompile(`(?is)^(SET\s|SELECT\s+pg_catalog\.set_config\()`)
)

func classifyPostData(sql string) postStep {
	switch {
	case rePreface.MatchString(sql):
		return stepPreamble
	case reIndex.MatchString(sql), reKey.MatchString(sql):
		return stepIndex
	case reAttach.MatchString(sql):
		return stepAttach
	case reFK.MatchString(sql):
		return stepForeignKey
	}
	return stepRest
}

// applyPostData runs the post-data script in the steps above. Statements
// commit one by one: on failure the clone empties the target anyway.
func (t *Target) applyPostData(ctx context.Context, script string) error {
	steps := map[postStep][]statement{}
	for _, st := range splitScript(script) {
		k := classifyPostData(st.SQL)
		steps[k] = append(steps[k], st)
	}
	pre := steps[stepPreamble]
	// Largest tables first, so that no long index build starts last and
	// runs alone (pg_restore's order leaves such tails).
	if err := t.largestFirst(ctx, steps[stepIndex], steps[stepForeignKey]); err != nil {
		return err
	}
	if err := t.runStatements(ctx, append(pre[:len(pre):len(pre)], t.indexMemory()), steps[stepIndex], t.writers); err != nil {
		return err
	}
	if err := t.runStatements(ctx, pre, steps[stepAttach], 1); err != nil {
		return err
	}
	if err := t.runStatements(ctx, pre, steps[stepForeignKey], t.writers); err != nil {
		return err
	}
	return t.runStatements(ctx, pre, steps[stepRest], 1)
}

var (
	reIndexTable = regexp.MustCompile(`(?is)^CREATE\s+(?:UNIQUE\s+)?INDEX\s.*?\sON\s+(?:ONLY\s+)?(` + qualifiedName + `)\s`)
	reAlterTable = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s+(?:ONLY\s+)?(` + qualifiedName + `)\s`)
)

// postTable returns the table a post-data statement works on, as written
// in the script ("" when not found).
func postTable(sql string) string {
	for _, re := range []*regexp.Regexp{reIndexTable, reAlterTable} {
		if m := re.FindStringSubmatch(sql); m != nil {
			return m[1]
		}
	}
	return ""
}

// largestFirst orders each list of statements by the size of their table
// in the target, largest first (stable).
func (t *Target) largestFirst(ctx context.Context, lists ...[]statement) error {
	var names []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, st := range l {
			if n := postTable(st.SQL); n != "" && !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	if len(names) < 2 {
		return nil
	}
	size := map[string]int64{}
	err := t.pool.withConn(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT n, coalesce(pg_catalog.pg_relation_size(pg_catalog.to_regclass(n)), 0) FROM unnest($1::text[]) n`, names)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			var b int64
			if err := rows.Scan(&n, &b); err != nil {
				return err
			}
			size[n] = b
		}
		return rows.Err()
	})
	if err != nil {
		// The sizes only order the work; a name the lookup cannot read
		// must not stop the clone.
		size = map[string]int64{}
	}
	for _, l := range lists {
		sort.SliceStable(l, func(a, b int) bool { return size[postTable(l[a].SQL)] > size[postTable(l[b].SQL)] })
	}
	return nil
}

// indexMemoryBudget is the maintenance_work_mem all index builds share at
// most: sorts that fit in memory build indexes faster than the 64 MB
// default (about a fifth less post-data time measured on the 1.3 GB incident
// database). A server set higher keeps its own setting.
const indexMemoryBudget = 1 << 30

// indexMemory raises maintenance_work_mem for an index-building session to
// its share of indexMemoryBudget (at most 512 MB), never lowering it.
func (t *Target) indexMemory() statement {
	kb := min(512<<10, indexMemoryBudget/1024/max(t.writers, 1))
	return statement{SQL: fmt.Sprintf(`SELECT pg_catalog.set_config('maintenance_work_mem',
  greatest(pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem')) / 1024, %d)::text || 'kB', false)`, kb)}
}

// runStatements runs stmts on up to workers new sessions, each first running
// the preamble. With one worker the order is kept. A deadlock between two
// statements (foreign keys lock both tables) is retried.
func (t *Target) runStatements(ctx context.Context, preamble, stmts []statement, workers int) error {
	if len(stmts) == 0 {
		return nil
	}
	workers = max(1, min(workers, len(stmts)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan statement)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := t.connect(ctx)
			if err != nil {
				fail(err)
				return
			}
			defer closeConn(c)
			for _, st := range preamble {
				if err := t.execStatement(ctx, c, st); err != nil {
					fail(err)
					return
				}
			}
			for st := range next {
				if err := t.execStatement(ctx, c, st); err != nil {
					fail(err)
					return
				}
			}
		}()
	}
feed:
	for _, st := range stmts {
		select {
		case next <- st:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return firstErr
}

func (t *Target) execStatement(ctx context.Context, c *pgx.Conn, st statement) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		_, err = c.PgConn().Exec(ctx, st.SQL).ReadAll()
		if !isDeadlock(err) {
			break
		}
		time.Sleep(time.Duration(50*(attempt+1)) * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("apply post-data schema to %s: pg_dump output line %d: %s: %w",
			t.url.Redacted(), st.Line, abbreviate(st.SQL), describe(t.sanitize(err)))
	}
	return nil
}

func isDeadlock(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "40P01"
}

// String names a step, for messages and tests.
func (s postStep) String() string {
	return [...]string{"preamble", "index", "attach", "foreign key", "rest"}[s]
}
