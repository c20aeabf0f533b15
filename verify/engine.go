package verify

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
)

// DefaultMemoryBudget is the memory the leak scan keeps digests in before
// it spills sorted runs to a temporary directory.
const DefaultMemoryBudget = 32 << 20

// chunkEntries is how many entries an observer buffers before it hands a
// (sorted) run to the shared store.
const chunkEntries = 1 << 15

// Scan is a leak scan fed with rows as they are read and written, so a
// clone proves its own twin in the pass that copies it (no second read of
// the source or of the twin). Original values of the source's personal
// columns and every cell of the twin become 8-byte keyed digests in compact
// runs (spilled to a temporary directory beyond Options.MemoryBudget);
// Finish joins them. Create with NewScan, get one TableScan per table, feed
// rows through its observers, then call Finish and Close.
type Scan struct {
	h        hasher
	opt      Options
	origins  *originSets
	rules    ruleSet // of the source schema
	twinRule ruleSet // of the twin schema
	kept     map[colKey]bool
	unmasked map[colKey]bool
	src      *dbtwin.Schema
	twin     *dbtwin.Schema
	start    time.Time

	tmp    *tempDir
	runs   *runStore // original values, sorted runs
	probes *runStore // twin cells, unsorted

	mu     sync.Mutex
	tables map[string]*TableScan
	cols   []*twinCol
	sinks  []*sink
	exempt tallies
	stats  scanStats
	// hist counts, per dense twin column, its whole digit values by bucket.
	hist map[uint32]map[uint32]int64
	// same holds, per twin column and origin, the rows whose masked cell
	// equals its own row's original.
	same map[[2]uint32]*roaring.Bitmap
	errv error
}

type scanStats struct {
	srcRows, srcValues, twinRows, twinCells, probes int64
}

// twinCol is one twin column searched.
type twinCol struct {
	table, column string
	where         string // "table.column"
	fake          bool   // masked by a dictionary transformer
	dense         bool   // masked into a dense space of digits
	warned        bool   // copied unmasked because strict mode is off
	kept          bool   // under keep: (declared not personal)
	kind          dbtwin.Kind
}

// NewScan prepares a leak scan of a twin of src. twin is the twin's schema
// (the source schema itself during a clone). cfg may be nil (no rules: only
// the name dictionary decides what is personal). Rules, keep: entries and
// strict mode are resolved here, once.
func NewScan(src, twin *dbtwin.Schema, cfg *config.Config, opt Options) (*Scan, error) {
	if opt.MemoryBudget <= 0 {
		opt.MemoryBudget = DefaultMemoryBudget
	}
	if opt.Log == nil {
		opt.Log = func(string, ...any) {}
	}
	s := &Scan{h: newHasher(), opt: opt, origins: newOriginSets(), src: src, twin: twin, start: time.Now(),
		tables: map[string]*TableScan{}, exempt: tallies{}, hist: map[uint32]map[uint32]int64{},
		same: map[[2]uint32]*roaring.Bitmap{}, tmp: &tempDir{parent: opt.TempDir}}
	s.rules = maskRules(src, cfg, opt.Masking)
	s.twinRule = s.rules
	if twin != src {
		s.twinRule = maskRules(twin, cfg, opt.Masking)
	}
	s.kept = keptSet(src, cfg)
	strict := cfg.StrictEnabled()
	if opt.Strict != nil {
		strict = *opt.Strict
	}
	if !strict {
		s.unmasked = unmaskedColumns(src, s.rules, s.kept)
	}
	// The budget is shared: originals, twin cells and (at the end) the
	// cells that pass the filter each get a third.
	s.runs = newRunStore("original values", true, opt.MemoryBudget/3, s.tmp)
	s.probes = newRunStore("twin cells", false, opt.MemoryBudget/3, s.tmp)
	return s, nil
}

// Close removes the scan's temporary files.
func (s *Scan) Close() { s.tmp.remove() }

// TableScan is the leak scan of one table: which of its columns are
// original values to digest and which twin cells to search.
type TableScan struct {
	s       *Scan
	table   string
	columns []string
	// src is the source plan (nil when no column of the table is personal);
	// srcIdx maps its columns to positions in the rows fed.
	src    *tablePlan
	srcIdx []int
	// twin maps each position of the rows fed to a twin column (-1: not
	// searched).
	twin []int32
	// same lists the inline checks: position and source column.
	same []sameCheck
	// pairKey (two-sided scans) holds the positions of the primary key;
	// pairs the positions of masked columns checked against their own
	// row's original by key (source side: colPlan; twin side: column).
	pairKey []int
	pairs   []sameCheck
	nextRow atomic.Uint64
}

type sameCheck struct {
	pos int
	cp  *colPlan
	col int32
}

// Table returns the scan of table t, whose rows will be fed with the given
// columns in that order, as read from the source and as written to the
// twin (RowObserver.Row). The source plan comes from the source schema's
// table of the same name and the searched columns from the twin schema's.
func (s *Scan) Table(t *dbtwin.Table, columns []string) (*TableScan, error) {
	ts := &TableScan{s: s, table: t.QualifiedName(), columns: columns}
	if err := s.planSourceSide(ts, columns); err != nil {
		return nil, err
	}
	s.planTwinSide(ts, columns)
	if ts.src != nil {
		for i, cp := range ts.src.cols {
			if p := ts.srcIdx[i]; cp.sameRow && p >= 0 && ts.twin[p] >= 0 {
				ts.same = append(ts.same, sameCheck{pos: p, cp: cp, col: ts.twin[p]})
			}
		}
	}
	return ts, nil
}

// sourceTable returns the scan of the source side of t, reading only its
// personal columns (nil when it has none).
func (s *Scan) sourceTable(t *dbtwin.Table, columns []string) (*TableScan, error) {
	ts := &TableScan{s: s, table: t.QualifiedName()}
	if err := s.planSourceSide(ts, columns); err != nil || ts.src == nil {
		return nil, err
	}
	ts.columns = append([]string(nil), ts.src.columns...)
	for i := range ts.srcIdx {
		ts.srcIdx[i] = i
	}
	// Cells equal to their own row's original are found by primary key.
	if pk := pairableKey(s, t); pk != nil {
		for _, c := range pk {
			i := indexOf(ts.columns, c)
			if i < 0 {
				i = len(ts.columns)
				ts.columns = append(ts.columns, c)
			}
			ts.pairKey = append(ts.pairKey, i)
		}
		for i, cp := range ts.src.cols {
			if cp.sameRow {
				ts.pairs = append(ts.pairs, sameCheck{pos: i, cp: cp})
			}
		}
	}
	return ts, nil
}

// pairableKey returns the primary key of t when no rule masks it (so the
// twin's rows carry the same key as the source's), or nil.
func pairableKey(s *Scan, t *dbtwin.Table) []string {
	if t.PrimaryKey == nil || len(t.PrimaryKey.Columns) == 0 {
		return nil
	}
	for _, c := range t.PrimaryKey.Columns {
		if _, ok := s.rules[colKey{t.QualifiedName(), c}]; ok {
			return nil
		}
	}
	return t.PrimaryKey.Columns
}

// twinTable returns the scan of the twin side of t.
func (s *Scan) twinTable(t *dbtwin.Table, columns []string) (*TableScan, error) {
	ts := &TableScan{s: s, table: t.QualifiedName(), columns: append([]string(nil), columns...)}
	if st := s.src.Table(ts.table); st != nil && st.QualifiedName() == ts.table {
		if pk := pairableKey(s, st); pk != nil {
			tp, err := planSource(st, s.rules, s.kept, s.unmasked, newOriginSets())
			if err != nil {
				return nil, err
			}
			for _, c := range pk {
				i := indexOf(ts.columns, c)
				if i < 0 {
					i = len(ts.columns)
					ts.columns = append(ts.columns, c)
				}
				ts.pairKey = append(ts.pairKey, i)
			}
			if tp != nil {
				for _, cp := range tp.cols {
					if cp.sameRow {
						if i := indexOf(ts.columns, cp.column.Name); i >= 0 {
							ts.pairs = append(ts.pairs, sameCheck{pos: i, cp: cp})
						}
					}
				}
			}
		}
	}
	s.planTwinSide(ts, ts.columns)
	for i := range ts.pairs {
		ts.pairs[i].col = ts.twin[ts.pairs[i].pos]
	}
	return ts, nil
}

func (s *Scan) planSourceSide(ts *TableScan, columns []string) error {
	st := s.src.Table(ts.table)
	if st == nil || st.QualifiedName() != ts.table {
		return nil
	}
	tp, err := planSource(st, s.rules, s.kept, s.unmasked, s.origins)
	if err != nil || tp == nil {
		return err
	}
	ts.src = tp
	ts.srcIdx = make([]int, len(tp.cols))
	for i, cp := range tp.cols {
		ts.srcIdx[i] = indexOf(columns, cp.column.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cp := range tp.cols {
		s.sinks = append(s.sinks, &cp.sink)
		if cp.json != nil {
			for _, lp := range cp.json.paths {
				s.sinks = append(s.sinks, &lp.sink)
			}
			for _, lp := range []*leafPlan{cp.json.detect, cp.json.all} {
				if lp != nil {
					s.sinks = append(s.sinks, &lp.sink)
				}
			}
		}
	}
	if tp.name != nil {
		s.sinks = append(s.sinks, &tp.name.sink)
	}
	return nil
}

func (s *Scan) planTwinSide(ts *TableScan, columns []string) {
	name := ts.table
	ts.twin = make([]int32, len(columns))
	tt := s.twin.Table(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tables[name] = ts
	for i, cn := range columns {
		ts.twin[i] = -1
		var c *dbtwin.Column
		if tt != nil && tt.QualifiedName() == name {
			c = tt.Column(cn)
		}
		if c == nil || !scannable(c) {
			continue
		}
		k := colKey{name, cn}
		r, masked := s.twinRule[k]
		tc := &twinCol{table: name, column: cn, where: name + "." + cn, kind: c.Kind,
			fake: masked && isFakeRule(r), dense: masked && isDenseRule(r), warned: s.unmasked[k], kept: s.kept[k]}
		ts.twin[i] = int32(len(s.cols))
		s.cols = append(s.cols, tc)
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// SourceColumns returns the positions, among the columns the table scan
// was made for, of the columns whose original values are digested: what a
// reader of the source needs (nil when none).
func (ts *TableScan) SourceColumns() []int {
	var out []int
	for _, i := range ts.srcIdx {
		if i >= 0 {
			out = append(out, i)
		}
	}
	return out
}

// Searched reports whether any column of the table is searched in the twin.
func (ts *TableScan) Searched() bool {
	for _, c := range ts.twin {
		if c >= 0 {
			return true
		}
	}
	return false
}

// Observer returns a RowObserver for one goroutine.
func (ts *TableScan) Observer() *RowObserver {
	return &RowObserver{ts: ts, s: ts.s, exempt: tallies{}, hist: map[uint32]map[uint32]int64{}}
}

// rowBlock is how many row numbers an observer reserves at once.
const rowBlock = 1024

// RowObserver digests the rows of one table on one goroutine. Its methods
// match the clone pipeline's observer (Row, Done).
type RowObserver struct {
	ts *TableScan
	s  *Scan

	srcBuf, probeBuf []entry
	exempt           tallies
	hist             map[uint32]map[uint32]int64
	same             map[[2]uint32]*roaring.Bitmap
	stats            scanStats
	err              error

	rowNext, rowEnd uint64

	// scratch
	ds   []digestOf
	out  []digestOf
	toks []string
	runs []string
	gram []byte
	// lower holds the lower-cased text of the cell looked at (normText).
	lower []byte
	// repeats holds, per twin column number, the digests seen in it (see
	// addProbe); rep is the current column's table, repCol its number+1.
	repeats []*repeatTable
	rep     *repeatTable
	repCol  uint32
	// per cell
	wholeDigits string // digits of the whole value just looked up
	col         uint32
	dense       bool
	row         uint32
	fake        bool
}

// Row observes one row as read from the source and as written to the twin
// (same columns, same order): the originals are digested, the written
// cells searched, and a masked cell equal to its own row's original is a
// leak found inline.
func (o *RowObserver) Row(read, written dbtwin.Row) {
	o.Source(read)
	row := o.Twin(written)
	for _, sc := range o.ts.same {
		a, b := read[sc.pos], written[sc.pos]
		if a == nil || b == nil {
			continue
		}
		na := normText(view(a))
		if na != normText(view(b)) || valueExemption(na) != "" {
			continue
		}
		if o.same == nil {
			o.same = map[[2]uint32]*roaring.Bitmap{}
		}
		k := [2]uint32{uint32(sc.col), sc.cp.origin}
		bm := o.same[k]
		if bm == nil {
			bm = roaring.New()
			o.same[k] = bm
		}
		bm.Add(row)
	}
}

// Done hands the observer's last digests to the scan. Call once.
func (o *RowObserver) Done() {
	o.flushRepeats()
	o.flushSrc()
	o.flushProbes()
	s := o.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.exempt.merge(o.exempt)
	s.stats.srcRows += o.stats.srcRows
	s.stats.srcValues += o.stats.srcValues
	s.stats.twinRows += o.stats.twinRows
	s.stats.twinCells += o.stats.twinCells
	s.stats.probes += o.stats.probes
	for c, h := range o.hist {
		dst := s.hist[c]
		if dst == nil {
			dst = map[uint32]int64{}
			s.hist[c] = dst
		}
		for b, n := range h {
			dst[b] += n
		}
	}
	for k, bm := range o.same {
		if have := s.same[k]; have != nil {
			have.Or(bm)
		} else {
			s.same[k] = bm
		}
	}
	if o.err != nil {
		s.setErr(o.err)
	}
}

// Err returns the first error met while observing (a temporary file that
// could not be written).
func (s *Scan) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.errv
}

func (s *Scan) setErr(err error) {
	if s.errv == nil {
		s.errv = err
	}
}

func (o *RowObserver) flushSrc() {
	if len(o.srcBuf) == 0 {
		return
	}
	sortRun(o.srcBuf)
	if err := o.s.runs.add(o.srcBuf); err != nil && o.err == nil {
		o.err = err
	}
	o.srcBuf = make([]entry, 0, chunkEntries)
}

func (o *RowObserver) flushProbes() {
	if len(o.probeBuf) == 0 {
		return
	}
	if err := o.s.probes.add(o.probeBuf); err != nil && o.err == nil {
		o.err = err
	}
	o.probeBuf = make([]entry, 0, chunkEntries)
}

// nextRowID numbers the twin rows of a table (cells are named by column
// and row number in the findings, never by value).
func (o *RowObserver) nextRowID() uint32 {
	if o.rowNext == o.rowEnd {
		end := o.ts.nextRow.Add(rowBlock)
		o.rowNext, o.rowEnd = end-rowBlock, end
	}
	r := o.rowNext
	o.rowNext++
	return uint32(r)
}
