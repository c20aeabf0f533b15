package snapshot

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/pipeline"
	"github.com/klauspost/compress/zstd"
)

// dataView reads table data out of a snapshot file (finished, or being
// written): it is the dbtwin.Snapshot of a snapshot opened as a source.
type dataView struct {
	r      io.ReaderAt
	name   string
	schema *dbtwin.Schema
	tables func(name string) *TableEntry
	// violations is what the source itself broke when the snapshot was made.
	violations *dbtwin.Verification
	// totalRaw is the data of all tables (0 = unknown): SplitTable splits
	// only a table holding more than its share.
	totalRaw int64
}

var (
	_ dbtwin.Snapshot      = (*dataView)(nil)
	_ dbtwin.SourceChecker = (*dataView)(nil)
	_ pipeline.Splitter    = (*dataView)(nil)
)

// Violations returns what the source broke itself, recorded at create.
func (v *dataView) Violations(context.Context) (*dbtwin.Verification, error) {
	if v.violations == nil {
		return &dbtwin.Verification{}, nil
	}
	return v.violations, nil
}

func (v *dataView) Schema() *dbtwin.Schema { return v.schema }

// Read streams a table's rows; columns may be any subset of the stored ones.
func (v *dataView) Read(ctx context.Context, req dbtwin.ReadRequest) (dbtwin.Rows, error) {
	name := req.Table.QualifiedName()
	first, last, isPart := parsePart(req.Where)
	if (req.Where != "" && !isPart) || req.Limit > 0 || req.OrderBy != "" {
		return nil, fmt.Errorf("%w: snapshot %s: reading %s with a filter is not supported: restore the snapshot into a database first", dbtwin.ErrUsage, v.name, name)
	}
	e := v.tables(name)
	if e == nil {
		return &emptyRows{}, nil
	}
	cols := req.ColumnNames()
	idx := make([]int, len(cols))
	same := len(cols) == len(e.Columns)
	for i, c := range cols {
		idx[i] = -1
		for j, s := range e.Columns {
			if s == c {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			return nil, fmt.Errorf("snapshot %s: table %s has no column %q stored", v.name, name, c)
		}
		same = same && idx[i] == i
	}
	label := fmt.Sprintf("snapshot %s, table %s", v.name, name)
	chunks := e.Chunks
	if isPart {
		if first < 0 || last > len(chunks) || first > last {
			return nil, fmt.Errorf("snapshot %s: table %s has no chunks %d to %d", v.name, name, first, last)
		}
		chunks = chunks[first:last]
	}
	stream := newChunkStream(ctx, v.r, chunks, label, req.Progress)
	rows, err := decodeRows(e.Codec, stream, len(e.Columns), label)
	if err != nil {
		stream.Close()
		return nil, err
	}
	if same {
		return rows, nil
	}
	return &projectRows{Rows: rows, idx: idx, row: make(dbtwin.Row, len(idx))}, nil
}

// partPrefix marks the predicates SplitTable returns: not SQL, only this
// package's Read understands them.
const partPrefix = "dbtwin snapshot chunks "

// SplitTable divides a table's chunks into up to parts contiguous ranges of
// similar size, so the pipeline restores one large table on several
// sessions at once (pipeline.Splitter). Only a table holding more than an
// even share of the data (total / parts) is split: others load whole, one
// session each, as pg_restore does (concurrent COPYs into one table contend
// for its extension lock).
func (v *dataView) SplitTable(_ context.Context, t *dbtwin.Table, parts int) ([]string, error) {
	e := v.tables(t.QualifiedName())
	if e == nil || parts < 2 || len(e.Chunks) < 2 {
		return nil, nil
	}
	if v.totalRaw > 0 && e.RawBytes*int64(parts) <= v.totalRaw {
		return nil, nil
	}
	parts = min(parts, len(e.Chunks))
	var out []string
	var done int64
	start := 0
	for i, c := range e.Chunks {
		done += c.Raw
		// Cut when this part has its share of the bytes.
		if len(out) < parts-1 && done*int64(parts) >= e.RawBytes*int64(len(out)+1) && i+1 < len(e.Chunks) {
			out = append(out, fmt.Sprintf("%s%d %d", partPrefix, start, i+1))
			start = i + 1
		}
	}
	return append(out, fmt.Sprintf("%s%d %d", partPrefix, start, len(e.Chunks))), nil
}

func parsePart(where string) (first, last int, ok bool) {
	rest, found := strings.CutPrefix(where, partPrefix)
	if !found {
		return 0, 0, false
	}
	if _, err := fmt.Sscanf(rest, "%d %d", &first, &last); err != nil {
		return 0, 0, false
	}
	return first, last, true
}

func (v *dataView) Query(context.Context, string, ...any) (dbtwin.Rows, error) {
	return nil, fmt.Errorf("%w: snapshot %s cannot run SQL: restore it into a database (dbtwin snapshot restore) and query that", dbtwin.ErrUsage, v.name)
}

func (v *dataView) Count(_ context.Context, t *dbtwin.Table, where string) (int64, error) {
	if first, last, ok := parsePart(where); ok {
		var n int64
		if e := v.tables(t.QualifiedName()); e != nil && first >= 0 && last <= len(e.Chunks) && first <= last {
			for _, c := range e.Chunks[first:last] {
				n += c.Rows
			}
		}
		return n, nil
	}
	if where != "" {
		return 0, fmt.Errorf("%w: snapshot %s cannot count with a filter", dbtwin.ErrUsage, v.name)
	}
	if e := v.tables(t.QualifiedName()); e != nil {
		return e.Rows, nil
	}
	return 0, nil
}

func (v *dataView) Close() error { return nil }

// projectRows picks some of the stored columns.
type projectRows struct {
	dbtwin.Rows
	idx []int
	row dbtwin.Row
}

func (p *projectRows) Row() dbtwin.Row {
	src := p.Rows.Row()
	for i, j := range p.idx {
		p.row[i] = src[j]
	}
	return p.row
}

type emptyRows struct{}

func (emptyRows) Next() bool      { return false }
func (emptyRows) Row() dbtwin.Row { return nil }
func (emptyRows) Err() error      { return nil }
func (emptyRows) Close() error    { return nil }

// chunkStream is the uncompressed data of a table's chunks, in order. A
// goroutine reads, checks and decompresses the next chunk while the current
// one is consumed.
type chunkStream struct {
	cur    []byte
	next   chan []byte
	errc   chan error
	err    error
	cancel context.CancelFunc
	once   sync.Once
	done   chan struct{}
}

func newChunkStream(ctx context.Context, r io.ReaderAt, chunks []Chunk, label string, progress func(int64)) *chunkStream {
	ctx, cancel := context.WithCancel(ctx)
	s := &chunkStream{next: make(chan []byte, 1), errc: make(chan error, 1), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer close(s.next)
		dec := decoders.Get().(*zstd.Decoder)
		defer decoders.Put(dec)
		var comp []byte
		for i, c := range chunks {
			comp = append(comp[:0], make([]byte, c.Length)...)
			if err := readFull(r, comp, c.Offset); err != nil {
				s.errc <- fmt.Errorf("%w: %s: chunk %d of %d: %v", ErrCorrupt, label, i+1, len(chunks), err)
				return
			}
			// The checksums were checked when the file was opened (File) or
			// the chunks were just written (the leak scan's read-back).
			raw, err := dec.DecodeAll(comp, make([]byte, 0, c.Raw))
			if err != nil {
				s.errc <- fmt.Errorf("%w: %s: chunk %d of %d: decompress: %v", ErrCorrupt, label, i+1, len(chunks), err)
				return
			}
			if progress != nil {
				progress(int64(len(raw)))
			}
			select {
			case s.next <- raw:
			case <-ctx.Done():
				return
			}
		}
	}()
	return s
}

func (s *chunkStream) Read(p []byte) (int, error) {
	for len(s.cur) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		b, ok := <-s.next
		if !ok {
			select {
			case s.err = <-s.errc:
			default:
				s.err = io.EOF
			}
			continue
		}
		s.cur = b
	}
	n := copy(p, s.cur)
	s.cur = s.cur[n:]
	return n, nil
}

// Close stops the reading goroutine and waits for it.
func (s *chunkStream) Close() error {
	s.once.Do(func() {
		s.cancel()
		for range s.next {
		}
		<-s.done
	})
	return nil
}
