package snapshot

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/klauspost/compress/zstd"
)

// writer is a snapshot file being made. It is the dbtwin.Target of clone's
// pipeline (so a snapshot is made exactly as a clone is, leak scan included)
// and, once the data is in, a dbtwin.Source over that data (the file read
// back, for callers that want to scan or check what was written).
//
// It writes a temporary file; finish appends the manifest and the end
// record, then moves the file into place. Without finish the temporary file
// is removed, so a failed or leaking snapshot never appears.
type writer struct {
	engine string
	name   string // what messages call the snapshot
	path   string // the temporary file

	mu       sync.Mutex
	f        *os.File
	bw       *bufio.Writer
	off      int64
	err      error
	header   Header
	manifest Manifest
	index    map[string]int // table -> manifest.Tables index
	complete bool
	removed  bool
}

var (
	_ dbtwin.Target = (*writer)(nil)
	_ dbtwin.Source = (*writer)(nil)
)

// newWriter creates the temporary file at path.
func newWriter(engine, name, path string) (*writer, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: create %s: %w", name, path, err)
	}
	w := &writer{engine: engine, name: name, path: path, f: f, bw: bufio.NewWriterSize(f, 1<<20), index: map[string]int{}}
	w.manifest.Version = FormatVersion
	if err := w.append(filePrefix()); err != nil {
		w.abort()
		return nil, err
	}
	return w, nil
}

// append writes bytes at the end of the file; w.mu must be held or the
// writer not yet shared.
func (w *writer) append(b []byte) error {
	if w.err != nil {
		return w.err
	}
	if _, err := w.bw.Write(b); err != nil {
		w.err = fmt.Errorf("snapshot %s: write %s: %w", w.name, w.path, err)
		return w.err
	}
	w.off += int64(len(b))
	return nil
}

// record appends one record and returns its payload's offset.
func (w *writer) record(kind byte, payload []byte) (int64, error) {
	if err := w.append(recordHeader(kind, int64(len(payload)))); err != nil {
		return 0, err
	}
	off := w.off
	return off, w.append(payload)
}

func (w *writer) Engine() string { return w.engine }

func (w *writer) Inspect(context.Context) (*dbtwin.Schema, error) {
	if w.header.Schema == nil {
		return &dbtwin.Schema{Engine: w.engine}, nil
	}
	return w.header.Schema, nil
}

func (w *writer) Identity(context.Context) (string, error) { return "snapshot:" + w.path, nil }

func (w *writer) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func (w *writer) QuoteTable(t *dbtwin.Table) string {
	if t.Schema == "" {
		return w.QuoteIdent(t.Name)
	}
	return w.QuoteIdent(t.Schema) + "." + w.QuoteIdent(t.Name)
}

// TableNames is empty: a snapshot is always a new file.
func (w *writer) TableNames(context.Context) ([]string, error) { return nil, nil }

// Reset after the data is complete means the snapshot must not be used
// (the leak scan failed): the file is removed.
func (w *writer) Reset(context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.complete {
		w.removed = true
	}
	return nil
}

// CreateSchema captures the source's schema (the engine's own dump) and
// writes the header.
func (w *writer) CreateSchema(ctx context.Context, src dbtwin.Source, snap dbtwin.Snapshot) (dbtwin.PostData, error) {
	ex, ok := src.(dbtwin.SchemaExporter)
	if !ok {
		return nil, fmt.Errorf("%w: snapshot %s: a %s source cannot export its schema", dbtwin.ErrUsage, w.name, src.Engine())
	}
	dump, err := ex.ExportSchema(ctx, snap)
	if err != nil {
		return nil, err
	}
	id, _ := src.Identity(ctx)
	schema := snap.Schema()
	var pre *dbtwin.Verification
	if sc, ok := snap.(dbtwin.SourceChecker); ok {
		// What production itself breaks (NOT VALID constraints, orphans
		// under unenforced keys), so a restore judges its twin as a clone does.
		if pre, err = sc.Violations(ctx); err != nil {
			return nil, err
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.header = Header{Version: FormatVersion, Created: time.Now().UTC(), Engine: dump.Engine, ServerVersion: dump.ServerVersion, Source: w.header.Source,
		SourceIdentity: id, Schema: schema, SchemaDump: dump, SourceViolations: pre}
	for _, t := range schema.Tables {
		if t.HasRows() {
			w.header.Tables = append(w.header.Tables, t.QualifiedName())
		}
	}
	return noPostData{}, nil
}

// writeHeader writes the header record, once: at the first data, or at
// finish for a database without rows.
func (w *writer) writeHeader() error {
	if w.manifest.HeaderLength > 0 {
		return nil
	}
	payload, err := compressJSON(w.header)
	if err != nil {
		return fmt.Errorf("snapshot %s: header: %w", w.name, err)
	}
	off, err := w.record(recHeader, payload)
	if err != nil {
		return err
	}
	w.manifest.HeaderOffset, w.manifest.HeaderLength, w.manifest.HeaderSHA256 = off, int64(len(payload)), sum(payload)
	return nil
}

type noPostData struct{}

func (noPostData) Apply(context.Context) error { return nil }

// Write stores a table's rows as compressed chunks. Tables (and parts of a
// table) are written in parallel; each call compresses its own chunks, and
// chunks are appended whole.
func (w *writer) Write(ctx context.Context, t *dbtwin.Table, columns []string, rows dbtwin.Rows) (int64, error) {
	name := t.QualifiedName()
	codec := codecFor(w.engine)
	w.mu.Lock()
	if err := w.writeHeader(); err != nil {
		w.mu.Unlock()
		return 0, err
	}
	// A table read in parts (pipeline.Splitter) is written by several
	// calls, possibly at once: their chunks go to the same entry.
	if i, ok := w.index[name]; ok {
		if !slices.Equal(w.manifest.Tables[i].Columns, columns) {
			w.mu.Unlock()
			return 0, fmt.Errorf("snapshot %s: table %s written with different columns (%v, then %v)", w.name, name, w.manifest.Tables[i].Columns, columns)
		}
	} else {
		w.index[name] = len(w.manifest.Tables)
		w.manifest.Tables = append(w.manifest.Tables, TableEntry{Table: name, Columns: columns, Codec: codec})
	}
	w.mu.Unlock()

	enc := encoders.Get().(*zstd.Encoder)
	defer encoders.Put(enc)
	var comp []byte
	n, err := encodeRows(codec, len(columns), rows, func(raw []byte, nrows int64) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		comp = enc.EncodeAll(raw, comp[:0])
		c := Chunk{Length: int64(len(comp)), Rows: nrows, Raw: int64(len(raw)), SHA256: sum(comp)}
		w.mu.Lock()
		defer w.mu.Unlock()
		off, err := w.record(recChunk, comp)
		if err != nil {
			return err
		}
		c.Offset = off
		e := &w.manifest.Tables[w.index[name]]
		e.Chunks = append(e.Chunks, c)
		e.Rows += nrows
		e.RawBytes += c.Raw
		e.Bytes += c.Length
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("snapshot %s: table %s: %w", w.name, name, err)
	}
	return n, nil
}

func (w *writer) MarkIncomplete(context.Context, string) error { return nil }

// MarkComplete notes that every table is in; the file is only finished
// (manifest written, moved into place) by finish.
func (w *writer) MarkComplete(context.Context, string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.complete = true
	return w.bw.Flush()
}

// Verify has nothing to check in a file: the restore verifies the database
// it builds (row counts, constraints, references).
func (w *writer) Verify(context.Context, *dbtwin.Schema) (*dbtwin.Verification, error) {
	return &dbtwin.Verification{}, nil
}

// Count returns the rows stored for a table.
func (w *writer) Count(_ context.Context, t *dbtwin.Table) (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if i, ok := w.index[t.QualifiedName()]; ok {
		return w.manifest.Tables[i].Rows, nil
	}
	return 0, nil
}

// Snapshot reads the data written so far (for the leak scan).
func (w *writer) Snapshot(context.Context, int) (dbtwin.Snapshot, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.bw.Flush(); err != nil {
		return nil, err
	}
	return &dataView{r: w.f, name: w.name, schema: w.header.Schema, violations: w.header.SourceViolations, tables: func(name string) *TableEntry {
		w.mu.Lock()
		defer w.mu.Unlock()
		if i, ok := w.index[name]; ok {
			e := w.manifest.Tables[i]
			return &e
		}
		return nil
	}}, nil
}

// Close does nothing: the snapshot is finished by finish or removed by abort.
func (w *writer) Close() error { return nil }

// finish writes the manifest and the end record and syncs the file. It
// fails when the snapshot was reset (a leak) or a write failed.
func (w *writer) finish(m func(*Manifest)) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.removed {
		return fmt.Errorf("snapshot %s was withdrawn (the leak scan failed)", w.name)
	}
	if err := w.writeHeader(); err != nil {
		return err
	}
	for i := range w.manifest.Tables {
		e := &w.manifest.Tables[i]
		e.SHA256 = tableDigest(e.Chunks)
	}
	w.manifest.Finished = time.Now().UTC()
	if m != nil {
		m(&w.manifest)
	}
	payload, err := compressJSON(w.manifest)
	if err != nil {
		return fmt.Errorf("snapshot %s: manifest: %w", w.name, err)
	}
	off, err := w.record(recManifest, payload)
	if err != nil {
		return err
	}
	end := make([]byte, 8, endPayloadLen)
	putUint64(end, uint64(off))
	end = append(end, mustHex(sum(payload))...)
	if _, err := w.record(recEnd, end); err != nil {
		return err
	}
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("snapshot %s: write %s: %w", w.name, w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("snapshot %s: sync %s: %w", w.name, w.path, err)
	}
	return w.f.Close()
}

// abort removes the temporary file.
func (w *writer) abort() {
	w.mu.Lock()
	defer w.mu.Unlock()
	_ = w.f.Close()
	if err := os.Remove(w.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		w.err = err
	}
}
