package verify

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/dbtwin/dbtwin"
)

// Probe flags, in the low bits of a twin entry's a field (the twin column
// number is a >> probeFlagBits).
const (
	probeWhole    = 1 << 0 // the whole cell, or a whole JSON leaf
	probeDigits   = 1 << 1 // a number: looked up by its digits, or written with 7+ digits
	probeDictOnly = 1 << 2 // made only of dictionary words, in a fake-value column
	// probePair marks a twin cell's key-and-value digest: a match is a
	// cell equal to its own row's original (found by primary key).
	probePair = probeDigits | probeDictOnly
	// probeCounted marks an entry standing for repeated occurrences of one
	// digest in one column: b holds their number instead of a row.
	probeCounted  = 1 << 3
	probeFlagBits = 4
)

// scannable reports whether a column's values are compared: text-like and
// numeric kinds, not booleans, binary data, or dates and times (original
// dates are exempt, and a date's digits would match phone numbers by chance).
func scannable(c *dbtwin.Column) bool {
	switch c.Kind {
	case dbtwin.KindBool, dbtwin.KindBytes, dbtwin.KindDate, dbtwin.KindTime,
		dbtwin.KindTimestamp, dbtwin.KindTimestampTZ, dbtwin.KindInterval:
		return false
	}
	return true
}

// Twin digests every searched cell of one twin row (the table scan's
// columns, in order) and returns the row's number. Every column is
// searched, kept ones included: keep: only stops a column from being a
// source of original values.
func (o *RowObserver) Twin(row dbtwin.Row) uint32 {
	id := o.nextRowID()
	o.stats.twinRows++
	o.row = id
	for i, v := range row {
		if v == nil || i >= len(o.ts.twin) {
			continue
		}
		c := o.ts.twin[i]
		if c < 0 {
			continue
		}
		o.stats.twinCells++
		tc := o.s.cols[c]
		o.col, o.fake, o.dense = uint32(c), tc.fake, tc.dense
		o.cell(tc, v)
	}
	for _, pc := range o.ts.pairs {
		if v := row[pc.pos]; v != nil && pc.col >= 0 {
			o.col = uint32(pc.col)
			o.addProbe(o.pairDigest(row, pc, v), probePair)
		}
	}
	return id
}

// pairDigest digests a cell with its table, column and row key: equal on
// both sides only for the same row's unchanged value.
func (o *RowObserver) pairDigest(row dbtwin.Row, pc sameCheck, v []byte) uint64 {
	b := append(o.gram[:0], o.ts.table...)
	b = append(b, 0)
	b = append(b, pc.cp.column.Name...)
	for _, k := range o.ts.pairKey {
		b = append(b, 0)
		b = append(b, row[k]...)
	}
	b = append(b, 0)
	b = append(b, normText(string(v))...)
	o.gram = b
	return o.s.h.digestBytes(classPair, b)
}

// cell looks for original values in one cell: the whole value, and for
// text its words, word pairs and triples and phone-like numbers; for JSON
// every string, number and object key.
func (o *RowObserver) cell(tc *twinCol, v []byte) {
	switch tc.kind {
	case dbtwin.KindInt, dbtwin.KindFloat, dbtwin.KindNumeric:
		o.whole(tc, o.normText(view(v)))
		o.wholeDigits = ""
		return
	case dbtwin.KindJSON, dbtwin.KindText, dbtwin.KindOther:
		if scanJSON(v, func(s string) { o.text(tc, s) }) {
			return
		}
	}
	o.text(tc, view(v))
	o.wholeDigits = ""
}

// normText is normText without an allocation for ASCII text: the value
// is lower-cased into the observer's scratch buffer, valid until the next
// call (one cell or JSON leaf at a time).
func (o *RowObserver) normText(s string) string {
	s = strings.TrimFunc(s, unicode.IsSpace)
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(s)
		}
		upper = upper || ('A' <= c && c <= 'Z')
	}
	if !upper {
		return s
	}
	b := append(o.lower[:0], s...)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	o.lower = b
	return view(b)
}

// view returns the bytes of a cell as a string without copying them. The
// string lives only while the cell is looked at: nothing derived from it is
// kept once cell returns (digests, counts and flags are).
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// whole looks up a normalized value as a whole, and its digits when it is
// phone-like; a dense column's digit values are counted by bucket (for the
// number of coincidences expected by chance).
func (o *RowObserver) whole(tc *twinCol, norm string) {
	if len(norm) < MinLength {
		return
	}
	o.wholeDigits = ""
	nd := countDigits(norm)
	if nd < len(norm) {
		// (A value of digits only is found by its digits: every original
		// number is also collected by its digits.)
		o.probe(classText, norm, probeWhole)
	}
	if nd >= minPhoneDigits && !hasLetter(norm) {
		d := digitsOf(norm)
		o.wholeDigits = d
		o.probe(classDigits, d, probeWhole|probeDigits)
	}
}

// text looks up a free-text value: whole, then its tokens, word pairs and
// triples and phone-like runs.
func (o *RowObserver) text(tc *twinCol, raw string) {
	norm := o.normText(raw)
	if len(norm) < MinLength {
		return
	}
	o.whole(tc, norm)
	o.toks = appendTokens(o.toks[:0], norm)
	toks := o.toks
	if len(toks) == 0 || (len(toks) == 1 && toks[0] == norm) {
		return
	}
	whole := o.wholeDigits
	for i, t := range toks {
		if len(t) >= MinLength {
			o.probe(classText, t, 0)
		}
		if countDigits(t) >= minPhoneDigits {
			if d := digitsOf(t); d != whole {
				o.probe(classDigits, d, probeDigits)
			}
		}
		if i+1 < len(toks) {
			o.gram = append(append(append(o.gram[:0], t...), ' '), toks[i+1]...)
			o.probeBytes(o.gram)
			if i+2 < len(toks) {
				o.gram = append(append(o.gram, ' '), toks[i+2]...)
				o.probeBytes(o.gram)
			}
		}
	}
	o.runs = appendPhoneRuns(o.runs[:0], norm)
	for _, r := range o.runs {
		if r != whole { // the whole value's digits were looked up as such
			o.probe(classDigits, r, probeDigits)
		}
	}
}

func (o *RowObserver) probe(class byte, v string, flags uint32) {
	if class == classText {
		var skip bool
		if flags, skip = o.textFlags(v, flags); skip {
			return
		}
	} else if o.dense {
		// A dense column's digit strings are counted by bucket, for the
		// number of coincidences expected by chance.
		h := o.hist[o.col]
		if h == nil {
			h = map[uint32]int64{}
			o.hist[o.col] = h
		}
		h[bucketOf(v)]++
	}
	o.addProbe(o.s.h.digest(class, v), flags)
}

// textFlags flags a text probe: a number (7 or more digits, no letters,
// however written) or, in a fake-value column, a value made only of
// dictionary words; skip is true for values never collected as originals
// (too short, short numbers, dates, dictionary entries).
func (o *RowObserver) textFlags(v string, flags uint32) (uint32, bool) {
	if valueExemption(v) != "" {
		return 0, true
	}
	if countDigits(v) >= minPhoneDigits && !hasLetter(v) {
		flags |= probeDigits
	} else if o.fake && onlyDictionaryWords(v) {
		flags |= probeDictOnly
	}
	return flags, false
}

func (o *RowObserver) probeBytes(v []byte) {
	flags, skip := o.textFlags(view(v), 0)
	if skip {
		return
	}
	o.addProbe(o.s.h.digestBytes(classText, v), flags)
}

// repeatSlots is the size of an observer's table of recent digests per
// twin column, used to fold repeats (statuses, topics, JSON keys) into one
// counted entry instead of one entry per cell. A power of two.
const repeatSlots = 16384

// repeatTable is a direct-mapped table of digests (digests are keyed
// pseudo-random, so their low bits index it evenly). A slot holds a digest
// and its flags+1 (low repeatFlagBits bits; 0 = empty slot) and the number
// of further occurrences with the same flags (the high bits).
type repeatTable struct {
	d [repeatSlots]uint64
	v [repeatSlots]uint64
}

const repeatFlagBits = 8

// addProbe records one twin digest of the current column and row. A digest
// found in its slot with the same flags is folded into the slot's count
// (flushed as one probeCounted entry); any other digest is appended as it
// is (and takes the slot unless the slot's digest has repeated), so
// folding never loses a (digest, flags) pair or an occurrence.
func (o *RowObserver) addProbe(d uint64, flags uint32) {
	o.stats.probes++
	if flags != probePair {
		if o.repCol != o.col+1 {
			o.selectRepeats()
		}
		t, i := o.rep, d&(repeatSlots-1)
		tag := uint64(flags) + 1
		switch v := t.v[i]; {
		case v>>repeatFlagBits == 0 && (t.d[i] != d || v != tag):
			// An empty slot, or one whose digest was seen once (its
			// occurrence is already appended): d takes it.
			t.d[i], t.v[i] = d, tag
		case t.d[i] == d && v&(1<<repeatFlagBits-1) == tag:
			if v>>repeatFlagBits == math.MaxUint32 {
				// The count field holds a uint32: hand over a full count.
				o.appendProbe(entry{d: d, a: o.col<<probeFlagBits | flags | probeCounted, b: math.MaxUint32})
				v = tag
			}
			t.v[i] = v + 1<<repeatFlagBits
			return
		}
	}
	o.appendProbe(entry{d: d, a: o.col<<probeFlagBits | flags, b: o.row})
}

// selectRepeats makes o.rep the repeats table of the current column.
func (o *RowObserver) selectRepeats() {
	for int(o.col) >= len(o.repeats) {
		o.repeats = append(o.repeats, nil)
	}
	t := o.repeats[o.col]
	if t == nil {
		t = new(repeatTable)
		o.repeats[o.col] = t
	}
	o.rep, o.repCol = t, o.col+1
}

func (o *RowObserver) appendProbe(e entry) {
	if o.probeBuf == nil {
		o.probeBuf = make([]entry, 0, chunkEntries)
	}
	o.probeBuf = append(o.probeBuf, e)
	if len(o.probeBuf) == cap(o.probeBuf) {
		o.flushProbes()
	}
}

// flushRepeats emits one counted entry per repeated digest.
func (o *RowObserver) flushRepeats() {
	for col, t := range o.repeats {
		if t == nil {
			continue
		}
		for i, v := range t.v {
			if n := uint32(v >> repeatFlagBits); n > 0 {
				flags := uint32(v&(1<<repeatFlagBits-1)) - 1
				o.appendProbe(entry{d: t.d[i], a: uint32(col)<<probeFlagBits | flags | probeCounted, b: n})
			}
		}
	}
	o.repeats, o.rep, o.repCol = nil, nil, 0
}
