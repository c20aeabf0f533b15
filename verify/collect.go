package verify

import (
	"strings"
	"unicode"

	"github.com/dbtwin/dbtwin"
)

// tally counts what one exemption rule exempted.
type tally struct {
	values  int64
	origins map[uint32]bool // source origins
	where   map[string]bool // twin columns (fake-collision, lone-name)
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

// Source digests the original values of one source row (the table scan's
// columns, in order). Tables without personal columns cost nothing.
func (o *RowObserver) Source(row dbtwin.Row) {
	tp := o.ts.src
	if tp == nil {
		return
	}
	o.stats.srcRows++
	for i, cp := range tp.cols {
		p := o.ts.srcIdx[i]
		if p < 0 || p >= len(row) {
			continue
		}
		if v := row[p]; v != nil {
			o.column(cp, v)
		}
	}
	for _, pc := range o.ts.pairs {
		if v := row[pc.pos]; v != nil {
			if norm := normText(view(v)); valueExemption(norm) == "" {
				o.addSource(digestOf{d: o.pairDigest(row, pc, v), o: pc.cp.origin})
			}
		}
	}
	if np := tp.name; np != nil {
		fp, lp := o.ts.srcIdx[np.first], o.ts.srcIdx[np.last]
		if fp >= 0 && lp >= 0 && fp < len(row) && lp < len(row) {
			if f, l := row[fp], row[lp]; f != nil && l != nil {
				o.fullName(np, view(f), view(l))
			}
		}
	}
}

// column collects one non-NULL value of a planned column.
func (o *RowObserver) column(cp *colPlan, v []byte) {
	if cp.wholeExempt != "" {
		o.exempt.add(cp.wholeExempt, cp.origin, 1)
		return
	}
	if cp.json != nil && len(cp.json.paths) == 0 {
		if o.scanDocument(cp.json, v) {
			return
		}
	} else if cp.json != nil {
		if doc, ok := decodeJSON(v); ok {
			o.document(cp.json, doc)
			return
		}
		// Not JSON: the json transformer enciphers it whole; look for it whole.
	}
	o.value(&cp.sink, view(v))
}

// document collects the planned leaves of one JSON document.
func (o *RowObserver) document(jp *jsonPlan, doc any) {
	for _, lp := range jp.paths {
		matchPath(doc, lp.segs, func(node any) {
			walkJSON(node, func(s string) { o.value(&lp.sink, s) }, nil)
		})
	}
	if lp := jp.detect; lp != nil {
		pick := func(s string) {
			if detectable(s) {
				o.value(&lp.sink, s)
			}
		}
		walkJSON(doc, pick, pick)
	}
	if lp := jp.all; lp != nil {
		walkJSON(doc, func(s string) { o.value(&lp.sink, s) }, nil)
	}
}

// scanDocument collects the detected or all leaves of a JSON document
// without building it.
func (o *RowObserver) scanDocument(jp *jsonPlan, v []byte) bool {
	if lp := jp.all; lp != nil {
		// Every string leaf (not keys): keys are told apart by what follows.
		return scanJSONLeaves(v, func(s string) { o.value(&lp.sink, s) })
	}
	lp := jp.detect
	return scanJSON(v, func(s string) {
		if detectable(s) {
			o.value(&lp.sink, s)
		}
	})
}

// value digests one original value in its forms: the normalized text; with
// inner white space collapsed; its words joined by single spaces (how a
// note quoting it is read); its digits, for phone-like values.
func (o *RowObserver) value(sk *sink, raw string) {
	norm := normText(raw)
	if rule := valueExemption(norm); rule != "" {
		o.exempt.add(rule, sk.origin, 1)
		return
	}
	origin := sk.origin
	joined, n := joinTokens(norm)
	if sk.hasLone && (n <= 1 || sk.allLocal) {
		origin = sk.lone
	}
	h := o.s.h
	ds := append(o.ds[:0], digestOf{d: h.digest(classText, norm), o: origin})
	if strings.IndexFunc(norm, func(r rune) bool { return unicode.IsSpace(r) && r != ' ' }) >= 0 || strings.Contains(norm, "  ") {
		ds = append(ds, digestOf{d: h.digest(classText, strings.Join(strings.Fields(norm), " ")), o: origin})
	}
	if n >= 2 && n <= 3 && joined != norm && len(joined) >= MinLength {
		ds = append(ds, digestOf{d: h.digest(classText, joined), o: origin})
	}
	if sk.digits || !hasLetter(norm) {
		if d := digitsOf(norm); len(d) >= minPhoneDigits {
			ds = append(ds, digestOf{d: h.digest(classDigits, d), o: origin, b: bucketOf(d)})
		}
	}
	o.record(sk, ds)
}

// record passes one value's digests through its column's cardinality
// tracker to the runs.
func (o *RowObserver) record(sk *sink, ds []digestOf) {
	o.ds = ds
	o.stats.srcValues++
	o.out = sk.card.add(ds[0].d, ds, o.out[:0])
	for _, x := range o.out {
		o.addSource(x)
	}
}

func (o *RowObserver) addSource(x digestOf) {
	if o.srcBuf == nil {
		o.srcBuf = make([]entry, 0, chunkEntries)
	}
	o.srcBuf = append(o.srcBuf, entry{d: x.d, a: x.o, b: x.b})
	if len(o.srcBuf) == cap(o.srcBuf) {
		o.flushSrc()
	}
}

// fullName digests "first last" and "last first" of one row.
func (o *RowObserver) fullName(np *namePlan, first, last string) {
	f, l := strings.Join(strings.Fields(normText(first)), " "), strings.Join(strings.Fields(normText(last)), " ")
	if f == "" || l == "" {
		return
	}
	whole := f + " " + l
	if rule := valueExemption(whole); rule != "" {
		o.exempt.add(rule, np.origin, 1)
		return
	}
	o.record(&np.sink, append(o.ds[:0], digestOf{d: o.s.h.digest(classText, whole), o: np.origin},
		digestOf{d: o.s.h.digest(classText, l+" "+f), o: np.origin}))
}

// bucketPrefix is how many leading digits name a value-space bucket: the
// expected number of coincidences is computed bucket by bucket (values of
// the same length and first digits), which is exact for rules that keep at
// most this many leading digits and encipher the rest.
const bucketPrefix = 5

// bucketOf returns the bucket of a digit string of at least minPhoneDigits
// digits: its length and first bucketPrefix digits (never 0).
func bucketOf(d string) uint32 {
	l := min(len(d), 31)
	var p uint32
	for i := 0; i < bucketPrefix && i < len(d); i++ {
		p = p*10 + uint32(d[i]-'0')
	}
	return uint32(l)<<20 | p
}

// bucketSpace is the number of values of a bucket: 10^(length-prefix).
func bucketSpace(b uint32) float64 {
	l := int(b >> 20)
	x := 1.0
	for i := bucketPrefix; i < l; i++ {
		x *= 10
	}
	return x
}
