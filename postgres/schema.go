package postgres

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/jackc/pgx/v5"
)

// pgDumpArgs are the options of every pg_dump run: the twin takes the
// structure, not the source's roles, grants, tablespaces or replication.
var pgDumpArgs = []string{"--schema-only", "--no-owner", "--no-privileges", "--no-tablespaces",
	"--no-security-labels", "--no-subscriptions", "--no-publications"}

// CreateSchema runs pg_dump --section=pre-data in the source snapshot and
// applies it to the target in one transaction. The returned PostData applies
// the --section=post-data output (taken now, in the same snapshot), sets the
// sequences to their values in the snapshot and refreshes the materialized
// views that are populated in the source. It is ExportSchema on the source
// followed by ImportSchema, so a clone and a snapshot restore take the same
// path; any source implementing dbtwin.SchemaExporter for PostgreSQL works.
func (t *Target) CreateSchema(ctx context.Context, src dbtwin.Source, snap dbtwin.Snapshot) (dbtwin.PostData, error) {
	dump, err := schemaFrom(ctx, src, snap)
	if err != nil {
		return nil, err
	}
	return t.ImportSchema(ctx, dump)
}

// applyScript runs a pg_dump script's statements in one transaction on a
// dedicated session (pg_dump scripts change session settings such as
// search_path), so a failure leaves nothing half created.
func (t *Target) applyScript(ctx context.Context, script, section string) error {
	c, err := t.connect(ctx)
	if err != nil {
		return err
	}
	defer closeConn(c)
	if _, err := c.Exec(ctx, "BEGIN"); err != nil {
		return fmt.Errorf("apply %s schema to %s: %w", section, t.url.Redacted(), t.sanitize(err))
	}
	for _, st := range splitScript(script) {
		if _, err := c.PgConn().Exec(ctx, st.SQL).ReadAll(); err != nil {
			return fmt.Errorf("apply %s schema to %s: pg_dump output line %d: %s: %w",
				section, t.url.Redacted(), st.Line, abbreviate(st.SQL), describe(t.sanitize(err)))
		}
	}
	if _, err := c.Exec(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("apply %s schema to %s: commit: %w", section, t.url.Redacted(), describe(t.sanitize(err)))
	}
	return nil
}

func abbreviate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}

type seqValue struct {
	table    *dbtwin.Table // the sequence, named like a table for quoting
	value    int64
	isCalled bool
}

// sequenceValues reads last_value/is_called of every user sequence in the
// snapshot. (Sequences are not transactional: this is their value now.)
func (s *Snapshot) sequenceValues(ctx context.Context) ([]seqValue, error) {
	var out []seqValue
	seqs := s.schema.Sequences
	for start := 0; start < len(seqs); start += 200 {
		chunk := seqs[start:min(start+200, len(seqs))]
		var parts []string
		for i, sq := range chunk {
			tb := &dbtwin.Table{Schema: sq.Schema, Name: sq.Name}
			out = append(out, seqValue{table: tb})
			parts = append(parts, fmt.Sprintf("SELECT %d, last_value, is_called FROM %s", start+i, QuoteTable(tb)))
		}
		err := s.run(ctx, func(c *pgx.Conn) error {
			rows, err := c.Query(ctx, strings.Join(parts, " UNION ALL "))
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var i int
				var v int64
				var called bool
				if err := rows.Scan(&i, &v, &called); err != nil {
					return err
				}
				out[i].value, out[i].isCalled = v, called
			}
			return rows.Err()
		})
		if err != nil {
			return nil, fmt.Errorf("read sequence values in the snapshot: %w", err)
		}
	}
	return out, nil
}

// populatedMatviews lists the materialized views holding data in the source,
// in creation order.
func (s *Snapshot) populatedMatviews(ctx context.Context) ([]string, error) {
	var out []string
	err := s.run(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `
SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'm' AND c.relispopulated AND `+userSchema+`
  AND `+notExtensionMember("pg_catalog.pg_class", "c.oid")+`
ORDER BY c.oid`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list materialized views in the snapshot: %w", err)
	}
	return out, nil
}

// postData finishes a target's schema after its data is loaded.
type postData struct {
	t        *Target
	script   string
	seqs     []seqValue
	matviews []string
}

// Apply creates the indexes, constraints and triggers, sets the sequences and
// refreshes the materialized views.
func (p *postData) Apply(ctx context.Context) error {
	if err := p.t.applyPostData(ctx, p.script); err != nil {
		return err
	}
	return p.t.pool.withConn(ctx, func(c *pgx.Conn) error {
		for _, sv := range p.seqs {
			_, err := c.Exec(ctx, "SELECT pg_catalog.setval($1::regclass, $2, $3)", QuoteTable(sv.table), sv.value, sv.isCalled)
			if err != nil {
				return fmt.Errorf("set sequence %s to %d: %w", sv.table.QualifiedName(), sv.value, p.t.sanitize(err))
			}
		}
		// A view may read another: refresh in rounds until all succeed.
		pending := p.matviews
		for len(pending) > 0 {
			var failed []string
			var lastErr error
			for _, mv := range pending {
				if _, err := c.Exec(ctx, "REFRESH MATERIALIZED VIEW "+mv); err != nil {
					failed, lastErr = append(failed, mv), err
				}
			}
			if len(failed) == len(pending) {
				return fmt.Errorf("refresh materialized view %s: %w", failed[0], describe(p.t.sanitize(lastErr)))
			}
			pending = failed
		}
		return nil
	})
}

// ---- pg_dump ----

// pgDump is one pg_dump binary and its version (as server_version_num).
type pgDump struct {
	path    string
	version int
}

var pgDumpVersionRE = regexp.MustCompile(`\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?(?:\.(\d+))?`)

// parsePgDumpVersion reads `pg_dump --version` output ("pg_dump (PostgreSQL)
// 15.4 (Debian 15.4-1)", "pg_dump (PostgreSQL) 9.6.24", "... 17devel") into a
// server_version_num-style number (150004, 90624, 170000).
func parsePgDumpVersion(out string) (int, error) {
	m := pgDumpVersionRE.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("unrecognised pg_dump version output %q", strings.TrimSpace(out))
	}
	n := make([]int, 3)
	for i := range n {
		if m[i+1] != "" {
			n[i], _ = strconv.Atoi(m[i+1])
		}
	}
	if n[0] >= 10 {
		return n[0]*10000 + n[1], nil
	}
	return n[0]*10000 + n[1]*100 + n[2], nil
}

// majorKey maps a version number to a comparable major version (9.6 -> 906,
// 15.x -> 1500).
func majorKey(v int) int {
	if v >= 100000 {
		return v / 10000 * 100
	}
	return v / 100
}

// majorString spells a version's major release ("15", "9.6").
func majorString(v int) string {
	if v >= 100000 {
		return strconv.Itoa(v / 10000)
	}
	return fmt.Sprintf("%d.%d", v/10000, v/100%100)
}

// dumpSupports reports whether a pg_dump of version dump can dump a server of version server.
func dumpSupports(dump, server int) bool { return majorKey(dump) >= majorKey(server) }

// pgDumpCandidates lists the pg_dump binaries to consider.
func pgDumpCandidates() []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if r, err := filepath.EvalSymlinks(p); err == nil && !seen[r] {
			seen[r] = true
			out = append(out, p)
		}
	}
	if p, err := exec.LookPath("pg_dump"); err == nil {
		add(p)
	}
	for _, pattern := range []string{"/usr/lib/postgresql/*/bin/pg_dump", "/usr/pgsql-*/bin/pg_dump",
		"/opt/homebrew/opt/postgresql@*/bin/pg_dump", "/usr/local/opt/postgresql@*/bin/pg_dump"} {
		matches, _ := filepath.Glob(pattern)
		for _, m := range matches {
			add(m)
		}
	}
	return out
}

// findPgDump returns the newest pg_dump found, checking that it can dump a
// server of version server.
func findPgDump(ctx context.Context, server int) (*pgDump, error) {
	var best *pgDump
	for _, p := range pgDumpCandidates() {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		out, err := exec.CommandContext(cctx, p, "--version").Output()
		cancel()
		if err != nil {
			continue
		}
		v, err := parsePgDumpVersion(string(out))
		if err != nil {
			continue
		}
		if best == nil || v > best.version {
			best = &pgDump{path: p, version: v}
		}
	}
	return best, checkPgDump(best, server)
}

// checkPgDump explains what to do when no suitable pg_dump was found.
func checkPgDump(d *pgDump, server int) error {
	need := majorString(server)
	if d == nil {
		return fmt.Errorf("pg_dump not found on PATH nor in /usr/lib/postgresql/*/bin: dbtwin needs it to copy the schema; "+
			"install postgresql-client-%s (or your system's PostgreSQL %s client) or put pg_dump %s or newer on PATH", need, need, need)
	}
	if !dumpSupports(d.version, server) {
		return fmt.Errorf("pg_dump at %s is version %s, older than the source server (PostgreSQL %s): pg_dump must be at "+
			"least the server's major version; install postgresql-client-%s or put pg_dump %s or newer on PATH",
			d.path, majorString(d.version), need, need, need)
	}
	return nil
}

// run runs pg_dump against the source in its exported snapshot and returns
// the script. The password goes through PGPASSWORD, never the command line.
func (d *pgDump) run(ctx context.Context, src *db, snapshot string, args ...string) ([]byte, error) {
	conninfo, err := libpqURL(src.url)
	if err != nil {
		return nil, err
	}
	all := append(append([]string{}, pgDumpArgs...), args...)
	all = append(all, "--snapshot="+snapshot, "--dbname="+conninfo)
	cmd := exec.CommandContext(ctx, d.path, all...)
	env := os.Environ()
	if src.password != "" {
		env = append(env, "PGPASSWORD="+src.password)
	}
	env = append(env, "PGOPTIONS="+strings.TrimSpace(os.Getenv("PGOPTIONS")+" -c default_transaction_read_only=on"))
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		msg = src.url.RedactText(msg)
		return nil, fmt.Errorf("pg_dump %s of %s failed: %v: %s", strings.Join(args, " "), src.url.Redacted(), err, msg)
	}
	return stdout.Bytes(), nil
}

// pgxOnlyParams are URL parameters pgx understands and libpq does not.
var pgxOnlyParams = []string{"default_query_exec_mode", "statement_cache_capacity", "description_cache_capacity",
	"min_read_buffer_size", "servicefile"}

// libpqURL returns the URL without its secrets (and without pgx-only
// parameters), for pg_dump's --dbname; the password goes through PGPASSWORD.
func libpqURL(u *dbtwin.URL) (string, error) {
	c := *u
	c.Password, c.HasPassword = "", false
	c.Params = url.Values{}
	for k, vs := range u.Params {
		if k == "password" || strings.HasPrefix(k, "pool_") || slices.Contains(pgxOnlyParams, k) {
			continue
		}
		c.Params[k] = vs
	}
	if _, ok := c.Params["application_name"]; !ok {
		c.Params.Set("application_name", ApplicationName)
	}
	return c.ConnString(), nil
}
