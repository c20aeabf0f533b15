package subset

import (
	"container/heap"
	"context"
	"sort"

	"github.com/dbtwin/dbtwin"
)

// fetchFollow brings, for each pending value, up to perKey rows of the
// destination tables holding that value: the ones with the smallest hash of
// their identity, so the choice does not depend on the order rows are read
// in. A destination's max_rows caps the rows newly selected this way.
func (tr *traversal) fetchFollow(ctx context.Context, f *follow) error {
	items := f.pending
	f.pending = nil
	f.queued.free()
	sort.Strings(items)
	chunk := max(1, tr.heap/int(max(f.perKey, 1)))
	for lo := 0; lo < len(items); lo += chunk {
		if err := tr.followChunk(ctx, f, items[lo:min(lo+chunk, len(items))]); err != nil {
			return err
		}
	}
	return nil
}

func (tr *traversal) followChunk(ctx context.Context, f *follow, part []string) error {
	heaps := map[string]*topK{}
	n := len(f.dstCols)
	var want map[string]bool
	if len(part) > 4*tr.batch {
		// Many values: one scan of each table, filtered here, bounds the
		// cost even where the columns have no index.
		want = make(map[string]bool, len(part))
		for _, p := range part {
			want[p] = true
		}
	}
	var key []byte
	var vbuf, ibuf [][]byte
	for di, st := range f.dst {
		pos := f.dstPos[di]
		collect := func(row dbtwin.Row) (bool, error) {
			vbuf = pick(vbuf, row, pos)
			if anyNil(vbuf) {
				return false, nil
			}
			key = appendTuple(key[:0], vbuf)
			if want != nil && !want[string(key)] {
				return false, nil
			}
			hp := heaps[string(key)]
			if hp == nil {
				hp = &topK{k: int(f.perKey)}
				heaps[string(key)] = hp
			}
			ibuf = pick(ibuf, row, st.idPos)
			hp.offer(hashTuple(st.seed, ibuf), di, row)
			return false, nil
		}
		if want != nil {
			if _, err := tr.read(ctx, dbtwin.ReadRequest{Table: st.t, Columns: st.cols}, st, collect); err != nil {
				return err
			}
			continue
		}
		for lo := 0; lo < len(part); lo += tr.batch {
			hi := min(lo+tr.batch, len(part))
			tuples := make([][][]byte, 0, hi-lo)
			for _, it := range part[lo:hi] {
				v, err := decodeTuple([]byte(it), n)
				if err != nil {
					return err
				}
				tuples = append(tuples, v)
			}
			req := dbtwin.ReadRequest{Table: st.t, Columns: st.cols, Where: tr.d.in(st.t, f.dstCols, tuples)}
			if _, err := tr.read(ctx, req, st, collect); err != nil {
				return err
			}
		}
	}
	keys := make([]string, 0, len(heaps))
	for k := range heaps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, e := range heaps[k].sorted() {
			st := f.dst[e.leaf]
			row, err := decodeTuple([]byte(e.row), len(st.cols))
			if err != nil {
				return err
			}
			if limit := st.rule.maxRows; limit > 0 && st.followAdded >= limit && !st.selected.has(pick(nil, row, st.idPos)) {
				st.capped = true
				continue
			}
			isNew, err := tr.addVia(st, row, f.role, f.how, f.cyclic)
			if err != nil {
				return err
			}
			if isNew {
				st.followAdded++
			}
		}
		delete(heaps, k)
	}
	return nil
}

// candidate is a row offered to a topK: its identity hash, destination and
// encoded fields.
type candidate struct {
	h    uint64
	leaf int
	row  string
}

func (a candidate) less(b candidate) bool {
	if a.h != b.h {
		return a.h < b.h
	}
	if a.leaf != b.leaf {
		return a.leaf < b.leaf
	}
	return a.row < b.row
}

// topK keeps the k smallest candidates (a max-heap).
type topK struct {
	k int
	c []candidate
}

func (t *topK) Len() int           { return len(t.c) }
func (t *topK) Less(i, j int) bool { return t.c[j].less(t.c[i]) }
func (t *topK) Swap(i, j int)      { t.c[i], t.c[j] = t.c[j], t.c[i] }
func (t *topK) Push(x any)         { t.c = append(t.c, x.(candidate)) }
func (t *topK) Pop() any {
	x := t.c[len(t.c)-1]
	t.c = t.c[:len(t.c)-1]
	return x
}

// offer considers a row; its fields are copied only if it is kept.
func (t *topK) offer(h uint64, leaf int, row dbtwin.Row) {
	if t.k <= 0 {
		return
	}
	if len(t.c) >= t.k {
		top := t.c[0]
		if h > top.h || (h == top.h && leaf > top.leaf) {
			return
		}
	}
	c := candidate{h: h, leaf: leaf, row: string(appendTuple(nil, row))}
	if len(t.c) < t.k {
		heap.Push(t, c)
		return
	}
	if c.less(t.c[0]) {
		t.c[0] = c
		heap.Fix(t, 0)
	}
}

// sorted returns the kept candidates, smallest first.
func (t *topK) sorted() []candidate {
	out := append([]candidate(nil), t.c...)
	sort.Slice(out, func(i, j int) bool { return out[i].less(out[j]) })
	return out
}
