package verify

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/dbtwin/dbtwin"
)

// tally counts what one exemption rule exempted.
type tally struct {
	values  int64
	origins map[uint32]bool // source origins, or target columns for fake-collision
	where   map[string]bool // target columns (fake-collision)
}

// tallies maps a rule to its tally.
type tallies map[string]*tally

func (t tallies) add(rule string, origin uint32, n int64) {
	x := t[rule]
	if x == nil {
		x = &tally{origins: map[uint32]bool{}, where: map[string]bool{}}
		t[rule] = x
	}
	x.values += n
	x.origins[origin] = true
}

func (t tallies) addWhere(rule, where string, n int64) {
	x := t[rule]
	if x == nil {
		x = &tally{origins: map[uint32]bool{}, where: map[string]bool{}}
		t[rule] = x
	}
	x.values += n
	x.where[where] = true
}

func (t tallies) merge(o tallies) {
	for rule, x := range o {
		for or := range x.origins {
			t.add(rule, or, 0)
		}
		for w := range x.where {
			t.addWhere(rule, w, 0)
		}
		t[rule].values += x.values
	}
}

// collector streams source tables and records the digests of their
// original values. One collector serves one goroutine.
type collector struct {
	h      hasher
	set    *digestSet
	exempt tallies
	rows   int64
	values int64 // values digested (not exempt)
	buf    []uint64
	out    []digestOf
}

func newCollector(h hasher, set *digestSet) *collector {
	return &collector{h: h, set: set, exempt: tallies{}}
}

// table collects one source table as planned.
func (c *collector) table(ctx context.Context, snap dbtwin.Snapshot, tp *tablePlan) error {
	name := tp.table.QualifiedName()
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: tp.table, Columns: tp.columns})
	if err != nil {
		return fmt.Errorf("read source table %s: %w", name, err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		row := rows.Row()
		if len(row) != len(tp.columns) {
			return fmt.Errorf("read source table %s: got %d fields for %d columns", name, len(row), len(tp.columns))
		}
		for _, cp := range tp.cols {
			if v := row[cp.idx]; v != nil {
				c.column(cp, v)
			}
		}
		if np := tp.name; np != nil {
			f, l := row[tp.cols[np.first].idx], row[tp.cols[np.last].idx]
			if f != nil && l != nil {
				c.fullName(np, string(f), string(l))
			}
		}
		n++
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read source table %s: %w", name, err)
	}
	c.rows += n
	for _, cp := range tp.cols {
		c.finish(&cp.sink)
		if cp.json != nil {
			for _, lp := range cp.json.paths {
				c.finish(&lp.sink)
			}
			for _, lp := range []*leafPlan{cp.json.detect, cp.json.all} {
				if lp != nil {
					c.finish(&lp.sink)
				}
			}
		}
	}
	if tp.name != nil {
		c.finish(&tp.name.sink)
	}
	return nil
}

// column collects one non-NULL value of a planned column.
func (c *collector) column(cp *colPlan, v []byte) {
	if cp.wholeExempt != "" {
		c.exempt.add(cp.wholeExempt, cp.origin, 1)
		return
	}
	if cp.json != nil {
		if doc, ok := decodeJSON(v); ok {
			c.document(cp.json, doc)
			return
		}
		// Not JSON: the json transformer enciphers it whole; look for it whole.
	}
	c.value(&cp.sink, string(v))
}

// document collects the planned leaves of one JSON document.
func (c *collector) document(jp *jsonPlan, doc any) {
	for _, lp := range jp.paths {
		matchPath(doc, lp.segs, func(node any) {
			walkJSON(node, func(s string) { c.value(&lp.sink, s) }, nil)
		})
	}
	if lp := jp.detect; lp != nil {
		pick := func(s string) {
			if detectable(s) {
				c.value(&lp.sink, s)
			}
		}
		walkJSON(doc, pick, pick)
	}
	if lp := jp.all; lp != nil {
		walkJSON(doc, func(s string) { c.value(&lp.sink, s) }, nil)
	}
}

// value digests one original value in its forms: the normalized text; with
// inner white space collapsed; its words joined by single spaces (how a
// note quoting it is read); its digits, for phone-like values.
func (c *collector) value(sk *sink, raw string) {
	norm := normText(raw)
	if rule := valueExemption(norm); rule != "" {
		c.exempt.add(rule, sk.origin, 1)
		return
	}
	ds := append(c.buf[:0], c.h.digest(classText, norm))
	if strings.IndexFunc(norm, func(r rune) bool { return unicode.IsSpace(r) && r != ' ' }) >= 0 || strings.Contains(norm, "  ") {
		ds = append(ds, c.h.digest(classText, strings.Join(strings.Fields(norm), " ")))
	}
	joined, n := joinTokens(norm)
	if n >= 2 && n <= 3 && joined != norm && len(joined) >= MinLength {
		ds = append(ds, c.h.digest(classText, joined))
	}
	if sk.digits || !hasLetter(norm) {
		if d := digitsOf(norm); len(d) >= minPhoneDigits {
			ds = append(ds, c.h.digest(classDigits, d))
		}
	}
	origin := sk.origin
	if sk.hasLone && (n <= 1 || sk.allLocal) {
		origin = sk.lone
	}
	c.record(sk, ds, origin)
}

// record passes one value's digests through its column's cardinality
// tracker to the set.
func (c *collector) record(sk *sink, ds []uint64, origin uint32) {
	c.buf = ds
	c.values++
	c.out = sk.card.add(ds[0], ds, origin, c.out)
	for _, x := range c.out {
		c.set.add(x.d, x.o)
	}
}

// fullName digests "first last" and "last first" of one row.
func (c *collector) fullName(np *namePlan, first, last string) {
	f, l := strings.Join(strings.Fields(normText(first)), " "), strings.Join(strings.Fields(normText(last)), " ")
	if f == "" || l == "" {
		return
	}
	whole := f + " " + l
	if rule := valueExemption(whole); rule != "" {
		c.exempt.add(rule, np.origin, 1)
		return
	}
	c.record(&np.sink, append(c.buf[:0], c.h.digest(classText, whole), c.h.digest(classText, l+" "+f)), np.origin)
}

// finish ends a column: it is exempt as low-cardinality, or its last
// pending digests go to the set.
func (c *collector) finish(sk *sink) {
	low, flush := sk.card.finish()
	if low {
		c.exempt.add(ExemptLowCardinality, sk.origin, sk.card.values)
		return
	}
	for _, x := range flush {
		c.set.add(x.d, x.o)
	}
}
