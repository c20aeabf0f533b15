package verify

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
)

// entry is one record of the leak scan's runs: a digest and two numbers
// whose meaning depends on the run (an origin and a value-space bucket for
// original values; a twin column with flags and a row number for twin
// cells). 16 bytes, never a value.
type entry struct {
	d    uint64
	a, b uint32
}

const entrySize = 16

func cmpEntry(x, y entry) int {
	switch {
	case x.d < y.d:
		return -1
	case x.d > y.d:
		return 1
	}
	return 0
}

// runStore holds runs of entries, in memory up to a byte budget and in
// files of a temporary directory beyond it. Runs are sorted by digest when
// the store is sorted. Adds are safe for concurrent use.
type runStore struct {
	name   string
	sorted bool
	budget int64
	tmp    *tempDir

	mu       sync.Mutex
	cond     *sync.Cond
	spilling bool
	mem      [][]entry
	memBytes int64
	files    []runFile
	entries  int64
	spilled  int64 // bytes written to files
	peak     int64 // most bytes held in memory at once
}

type runFile struct {
	path string
	n    int64
}

// tempDir is created on first use and removed by remove.
type tempDir struct {
	parent string
	mu     sync.Mutex
	path   string
	seq    int
}

func (t *tempDir) file() (*os.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.path == "" {
		p, err := os.MkdirTemp(t.parent, "dbtwin-leakscan-")
		if err != nil {
			return nil, fmt.Errorf("leak scan: create a temporary directory for digest runs (set TMPDIR to a writable directory with free space): %w", err)
		}
		t.path = p
	}
	t.seq++
	f, err := os.Create(fmt.Sprintf("%s/run-%06d", t.path, t.seq))
	if err != nil {
		return nil, fmt.Errorf("leak scan: create a digest run file in %s: %w", t.path, err)
	}
	return f, nil
}

func (t *tempDir) remove() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.path != "" {
		os.RemoveAll(t.path)
		t.path = ""
	}
}

func newRunStore(name string, sorted bool, budget int64, tmp *tempDir) *runStore {
	return &runStore{name: name, sorted: sorted, budget: budget, tmp: tmp}
}

// add takes ownership of run (already sorted when the store is sorted).
// Beyond the memory budget, the runs in memory are written to one file
// (merged into one sorted run when the store is sorted), outside the lock
// so other goroutines keep adding; an adder waits only when twice the
// budget is held while a spill is running.
func (r *runStore) add(run []entry) error {
	if len(run) == 0 {
		return nil
	}
	r.mu.Lock()
	if r.cond == nil {
		r.cond = sync.NewCond(&r.mu)
	}
	for r.spilling && r.memBytes > 2*r.budget {
		r.cond.Wait()
	}
	r.entries += int64(len(run))
	r.mem = append(r.mem, run)
	r.memBytes += int64(len(run)) * entrySize
	r.peak = max(r.peak, r.memBytes)
	if r.memBytes <= r.budget || r.spilling {
		r.mu.Unlock()
		return nil
	}
	runs, n := r.mem, r.memBytes
	r.mem, r.spilling = nil, true
	r.mu.Unlock()

	err := r.spill(runs)

	r.mu.Lock()
	r.memBytes -= n
	r.spilling = false
	r.cond.Broadcast()
	r.mu.Unlock()
	return err
}

// spill writes runs to one file: merged in digest order when the store
// is sorted, one after the other otherwise.
func (r *runStore) spill(runs [][]entry) error {
	f, err := r.tmp.file()
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	var buf [entrySize]byte
	var n int64
	put := func(e entry) {
		binary.LittleEndian.PutUint64(buf[0:], e.d)
		binary.LittleEndian.PutUint32(buf[8:], e.a)
		binary.LittleEndian.PutUint32(buf[12:], e.b)
		w.Write(buf[:])
		n++
	}
	if r.sorted {
		m := &merger{}
		for _, run := range runs {
			c := &cursor{mem: run}
			if c.next() {
				m.h = append(m.h, c)
			}
		}
		heap.Init(&m.h)
		for {
			e, ok := m.peek()
			if !ok {
				break
			}
			put(e)
			m.pop()
		}
	} else {
		for _, run := range runs {
			for _, e := range run {
				put(e)
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("leak scan: write a digest run to %s (is the disk full?): %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("leak scan: write a digest run to %s: %w", f.Name(), err)
	}
	r.mu.Lock()
	r.files = append(r.files, runFile{path: f.Name(), n: n})
	r.spilled += n * entrySize
	r.mu.Unlock()
	return nil
}

// cursor reads one run in order.
type cursor struct {
	mem  []entry
	i    int
	f    *os.File
	rd   *bufio.Reader
	left int64
	cur  entry
	err  error
}

func (c *cursor) next() bool {
	if c.rd == nil {
		if c.i >= len(c.mem) {
			return false
		}
		c.cur = c.mem[c.i]
		c.i++
		return true
	}
	if c.left == 0 {
		return false
	}
	var buf [entrySize]byte
	if _, err := io.ReadFull(c.rd, buf[:]); err != nil {
		c.err = fmt.Errorf("leak scan: read back digest run %s: %w", c.f.Name(), err)
		return false
	}
	c.left--
	c.cur = entry{binary.LittleEndian.Uint64(buf[0:]), binary.LittleEndian.Uint32(buf[8:]), binary.LittleEndian.Uint32(buf[12:])}
	return true
}

// cursors opens every run of the store. The caller closes them.
func (r *runStore) cursors() ([]*cursor, error) {
	var out []*cursor
	for _, m := range r.mem {
		out = append(out, &cursor{mem: m})
	}
	for _, rf := range r.files {
		f, err := os.Open(rf.path)
		if err != nil {
			closeCursors(out)
			return nil, fmt.Errorf("leak scan: open digest run %s: %w", rf.path, err)
		}
		out = append(out, &cursor{f: f, rd: bufio.NewReaderSize(f, 1<<16), left: rf.n})
	}
	return out, nil
}

func closeCursors(cs []*cursor) {
	for _, c := range cs {
		if c.f != nil {
			c.f.Close()
		}
	}
}

// each calls fn for every entry of every run, in no particular order.
func (r *runStore) each(fn func(entry) error) error {
	cs, err := r.cursors()
	if err != nil {
		return err
	}
	defer closeCursors(cs)
	for _, c := range cs {
		for c.next() {
			if err := fn(c.cur); err != nil {
				return err
			}
		}
		if c.err != nil {
			return c.err
		}
	}
	return nil
}

// merger yields the entries of sorted runs in digest order (k-way merge).
type merger struct {
	cs  []*cursor
	h   cursorHeap
	err error
}

type cursorHeap []*cursor

func (h cursorHeap) Len() int           { return len(h) }
func (h cursorHeap) Less(i, j int) bool { return h[i].cur.d < h[j].cur.d }
func (h cursorHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)        { *h = append(*h, x.(*cursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (r *runStore) merge() (*merger, error) {
	cs, err := r.cursors()
	if err != nil {
		return nil, err
	}
	m := &merger{cs: cs}
	for _, c := range cs {
		if c.next() {
			m.h = append(m.h, c)
		} else if c.err != nil {
			closeCursors(cs)
			return nil, c.err
		}
	}
	heap.Init(&m.h)
	return m, nil
}

// peek returns the smallest pending entry.
func (m *merger) peek() (entry, bool) {
	if len(m.h) == 0 {
		return entry{}, false
	}
	return m.h[0].cur, true
}

// pop drops the smallest pending entry.
func (m *merger) pop() {
	c := m.h[0]
	if c.next() {
		heap.Fix(&m.h, 0)
		return
	}
	if c.err != nil && m.err == nil {
		m.err = c.err
	}
	heap.Pop(&m.h)
}

func (m *merger) close() { closeCursors(m.cs) }

// bloom is a blocked Bloom filter of digests: each digest sets k bits in
// one 512-bit block (one cache line), so a lookup costs one memory access.
// Digests are already uniform, so the positions are taken from them.
type bloom struct {
	bits   []uint64
	blocks uint64
}

const bloomK = 6

// newBloom sizes a filter for n digests at about 12 bits each, within
// maxBytes.
func newBloom(n int64, maxBytes int64) *bloom {
	blocks := max(n*12/512, 16)
	blocks = min(blocks, max(maxBytes/64, 16))
	return &bloom{bits: make([]uint64, blocks*8), blocks: uint64(blocks)}
}

// block returns the first word of d's block (chosen by a multiplicative
// hash of the whole digest, independent of the bit positions).
func (b *bloom) block(d uint64) uint64 {
	return ((d * 0x9E3779B97F4A7C15 >> 32) % b.blocks) * 8
}

func (b *bloom) add(d uint64) {
	base := b.block(d)
	for i := 0; i < bloomK; i++ {
		p := (d >> (9 * i)) & 511
		b.bits[base+p>>6] |= 1 << (p & 63)
	}
}

func (b *bloom) has(d uint64) bool {
	base := b.block(d)
	for i := 0; i < bloomK; i++ {
		p := (d >> (9 * i)) & 511
		if b.bits[base+p>>6]&(1<<(p&63)) == 0 {
			return false
		}
	}
	return true
}

// sortRun sorts a run by digest.
func sortRun(run []entry) { slices.SortFunc(run, cmpEntry) }
