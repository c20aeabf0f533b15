package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/dbtwin/dbtwin"
	"github.com/jackc/pgx/v5"
)

// schemaDumpData is the PostgreSQL part of a dbtwin.SchemaDump: pg_dump's
// pre-data and post-data scripts taken in the snapshot, the sequences'
// values and the populated materialized views.
type schemaDumpData struct {
	PreData   string         `json:"pre_data"`
	PostData  string         `json:"post_data"`
	Sequences []sequenceJSON `json:"sequences,omitempty"`
	Matviews  []string       `json:"matviews,omitempty"`
}

type sequenceJSON struct {
	Schema   string `json:"schema"`
	Name     string `json:"name"`
	Value    int64  `json:"value"`
	IsCalled bool   `json:"is_called"`
}

var (
	_ dbtwin.SchemaExporter = (*Source)(nil)
	_ dbtwin.SchemaImporter = (*Target)(nil)
)

// ExportSchema captures the schema of snap (a snapshot of this source) with
// pg_dump --section=pre-data and --section=post-data run in that snapshot,
// plus the sequence values and the populated materialized views, so a
// target can be built from it without the source.
func (s *Source) ExportSchema(ctx context.Context, snap dbtwin.Snapshot) (*dbtwin.SchemaDump, error) {
	ps, ok := snap.(*Snapshot)
	if !ok || ps.src != s {
		return nil, fmt.Errorf("export schema: the snapshot is not one of this PostgreSQL source's")
	}
	ver, err := s.ServerVersionNum(ctx)
	if err != nil {
		return nil, fmt.Errorf("export schema: %w", err)
	}
	dump, err := findPgDump(ctx, ver)
	if err != nil {
		return nil, err
	}
	var pre, post []byte
	var preErr, postErr error
	var wg sync.WaitGroup
	wg.Go(func() { pre, preErr = dump.run(ctx, s.db, ps.id, "--section=pre-data") })
	wg.Go(func() { post, postErr = dump.run(ctx, s.db, ps.id, "--section=post-data") })
	wg.Wait()
	if err := errors.Join(preErr, postErr); err != nil {
		return nil, err
	}
	d := schemaDumpData{PreData: string(pre), PostData: string(post)}
	seqs, err := ps.sequenceValues(ctx)
	if err != nil {
		return nil, err
	}
	for _, sv := range seqs {
		d.Sequences = append(d.Sequences, sequenceJSON{Schema: sv.table.Schema, Name: sv.table.Name, Value: sv.value, IsCalled: sv.isCalled})
	}
	if d.Matviews, err = ps.populatedMatviews(ctx); err != nil {
		return nil, err
	}
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("export schema: %w", err)
	}
	return &dbtwin.SchemaDump{Engine: Engine, ServerVersion: versionString(ver), VersionNum: ver, Data: data}, nil
}

// versionString spells a server_version_num as PostgreSQL does ("15.4", "9.6.24").
func versionString(v int) string {
	if v >= 100000 {
		return fmt.Sprintf("%d.%d", v/10000, v%10000)
	}
	return fmt.Sprintf("%d.%d.%d", v/10000, v/100%100, v%100)
}

// ImportSchema creates a dump's pre-data schema in the target (one
// transaction) and returns its post-data step. The target server must be of
// the dump's major version or newer: pg_dump output is not guaranteed to
// load into an older server.
func (t *Target) ImportSchema(ctx context.Context, dump *dbtwin.SchemaDump) (dbtwin.PostData, error) {
	if dump == nil || dump.Engine != Engine {
		engine := "nothing"
		if dump != nil {
			engine = dump.Engine
		}
		return nil, fmt.Errorf("%w: PostgreSQL target %s: the schema comes from %s: restore into a %s database instead", dbtwin.ErrUsage, t.url.Redacted(), engine, engine)
	}
	var d schemaDumpData
	if err := json.Unmarshal(dump.Data, &d); err != nil {
		return nil, fmt.Errorf("PostgreSQL schema dump: %w", err)
	}
	var ver int
	if err := t.pool.withConn(ctx, func(c *pgx.Conn) (err error) {
		ver, err = serverVersionNum(ctx, c)
		return err
	}); err != nil {
		return nil, fmt.Errorf("PostgreSQL target %s: %w", t.url.Redacted(), t.sanitize(err))
	}
	if majorKey(ver) < majorKey(dump.VersionNum) {
		return nil, fmt.Errorf("%w: PostgreSQL target %s runs PostgreSQL %s, older than the source's %s: restore into a server of major version %s or newer",
			dbtwin.ErrUsage, t.url.Redacted(), versionString(ver), dump.ServerVersion, majorString(dump.VersionNum))
	}
	pd := &postData{t: t, script: d.PostData, matviews: d.Matviews}
	for _, s := range d.Sequences {
		pd.seqs = append(pd.seqs, seqValue{table: &dbtwin.Table{Schema: s.Schema, Name: s.Name}, value: s.Value, isCalled: s.IsCalled})
	}
	if err := t.applyScript(ctx, d.PreData, "pre-data"); err != nil {
		return nil, err
	}
	return pd, nil
}

// AppendCopyRow appends one row in COPY text format (tab-separated, \N for
// NULL, backslash escapes), newline included: what COPY ... FROM STDIN reads.
func AppendCopyRow(buf []byte, row dbtwin.Row) []byte { return appendCopyRow(buf, row) }

// NewCopyTextRows returns rows read from a stream of COPY text (as written by
// AppendCopyRow) with ncols fields each. A PostgreSQL target writes it with
// its Raw bytes, untouched; Next decodes it. Close closes r if it is an
// io.Closer.
func NewCopyTextRows(r io.Reader, ncols int, label string) dbtwin.RawRows {
	return &textRows{src: r, ncols: ncols, label: label}
}

// textRows is NewCopyTextRows' stream.
type textRows struct {
	src    io.Reader
	ncols  int
	label  string
	dec    *copyDecoder
	row    dbtwin.Row
	err    error
	raw    bool
	closed bool
}

func (r *textRows) RawEngine() string { return Engine }

func (r *textRows) Raw() io.Reader {
	r.raw = true
	return &errReader{r: r.src, err: &r.err}
}

// errReader keeps the first read error so Err reports it after a raw copy.
type errReader struct {
	r   io.Reader
	err *error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && *e.err == nil {
		*e.err = err
	}
	return n, err
}

func (r *textRows) Next() bool {
	if r.err != nil || r.raw || r.closed {
		return false
	}
	if r.dec == nil {
		r.dec = newCopyDecoder(r.src)
	}
	row, err := r.dec.next()
	if err != nil {
		if err != io.EOF {
			r.err = fmt.Errorf("%s: %w", r.label, err)
		}
		return false
	}
	if len(row) != r.ncols {
		if r.ncols == 0 && len(row) == 1 && len(row[0]) == 0 {
			r.row = row[:0]
			return true
		}
		r.err = fmt.Errorf("%s: COPY row has %d fields, want %d", r.label, len(row), r.ncols)
		return false
	}
	r.row = row
	return true
}

func (r *textRows) Row() dbtwin.Row { return r.row }
func (r *textRows) Err() error      { return r.err }

func (r *textRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.dec != nil {
		r.dec.release()
	}
	if c, ok := r.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// schemaFrom returns the schema dump of src's snapshot: src must export
// schemas (a PostgreSQL source, or a snapshot file of one).
func schemaFrom(ctx context.Context, src dbtwin.Source, snap dbtwin.Snapshot) (*dbtwin.SchemaDump, error) {
	ex, ok := src.(dbtwin.SchemaExporter)
	if !ok || src.Engine() != Engine {
		return nil, fmt.Errorf("%w: a PostgreSQL target can take its schema only from a PostgreSQL source (got %s)", dbtwin.ErrUsage, src.Engine())
	}
	return ex.ExportSchema(ctx, snap)
}
