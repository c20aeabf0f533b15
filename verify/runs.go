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
// Runs beyond the memory budget go to files, largest first.
func (r *runStore) add(run []entry) error {
	if len(run) == 0 {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries += int64(len(run))
	r.mem = append(r.mem, run)
	r.memBytes += int64(len(run)) * entrySize
	r.peak = max(r.peak, r.memBytes)
	for r.memBytes > r.budget && len(r.mem) > 0 {
		// Spill the largest run.
		big := 0
		for i, m := range r.mem {
			if len(m) > len(r.mem[big]) {
				big = i
			}
		}
		m := r.mem[big]
		if err := r.spill(m); err != nil {
			return err
		}
		r.mem = slices.Delete(r.mem, big, big+1)
		r.memBytes -= int64(len(m)) * entrySize
	}
	return nil
}

func (r *runStore) spill(run []entry) error {
	f, err := r.tmp.file()
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	var buf [entrySize]byte
	for _, e := range run {
		binary.LittleEndian.PutUint64(buf[0:], e.d)
		binary.LittleEndian.PutUint32(buf[8:], e.a)
		binary.LittleEndian.PutUint32(buf[12:], e.b)
		w.Write(buf[:])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("leak scan: write a digest run to %s (is the disk full?): %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("leak scan: write a digest run to %s: %w", f.Name(), err)
	}
	r.files = append(r.files, runFile{path: f.Name(), n: int64(len(run))})
	r.spilled += int64(len(run)) * entrySize
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

// bloom is a Bloom filter of digests (already uniformly distributed, so the
// bit positions are taken from the digest itself).
type bloom struct {
	bits []uint64
	mask uint64
	k    int
}

// newBloom sizes a filter for n digests at about 10 bits each, within
// maxBytes (a power of two of 64-bit words).
func newBloom(n int64, maxBytes int64) *bloom {
	want := max(n*10/64, 1024)
	words := int64(1)
	for words < want && words*8*2 <= maxBytes {
		words *= 2
	}
	return &bloom{bits: make([]uint64, words), mask: uint64(words*64 - 1), k: 6}
}

func (b *bloom) positions(d uint64, f func(uint64)) {
	h1, h2 := d, d>>32|d<<32|1
	for i := 0; i < b.k; i++ {
		f((h1 + uint64(i)*h2) & b.mask)
	}
}

func (b *bloom) add(d uint64) {
	b.positions(d, func(p uint64) { b.bits[p>>6] |= 1 << (p & 63) })
}

func (b *bloom) has(d uint64) bool {
	h1, h2 := d, d>>32|d<<32|1
	for i := 0; i < b.k; i++ {
		p := (h1 + uint64(i)*h2) & b.mask
		if b.bits[p>>6]&(1<<(p&63)) == 0 {
			return false
		}
	}
	return true
}

// sortRun sorts a run by digest.
func sortRun(run []entry) { slices.SortFunc(run, cmpEntry) }
