package verify

import (
	"context"
	"fmt"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
)

// columnHits is what the scan found in one twin column.
type columnHits struct {
	cells int64
	sets  map[uint32]bool // origin sets matched
}

// tableScan is the outcome of scanning one twin table.
type tableScan struct {
	table string
	rows  int64
	cells int64
	hits  map[string]*columnHits // by column
}

// scanner looks for original values in the cells of twin tables. One
// scanner serves one goroutine.
type scanner struct {
	h      hasher
	set    *digestSet
	fake   map[colKey]bool // twin columns masked by a dictionary transformer
	kept   map[colKey]bool // twin columns under keep: (not searched)
	exempt tallies

	// local caches, per origin set, whether it holds lone-name origins.
	local map[uint32]bool

	// per cell
	isFake   bool
	column   string // "table.column" of the twin cell
	hits     []uint32
	fakeHits int
	loneHits int
	toks     []string
	runs     []string
	gram     []byte
}

func newScanner(h hasher, set *digestSet, fake map[colKey]bool) *scanner {
	return &scanner{h: h, set: set, fake: fake, exempt: tallies{}, local: map[uint32]bool{}}
}

// keptColumns lists the twin columns under keep: (partitions inherit their
// parent's).
func keptColumns(s *dbtwin.Schema, cfg *config.Config) map[colKey]bool {
	out := map[colKey]bool{}
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			if kept(s, cfg, t, c.Name) {
				out[colKey{t.QualifiedName(), c.Name}] = true
			}
		}
	}
	return out
}

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

// table scans every scannable cell of one twin table.
func (s *scanner) table(ctx context.Context, snap dbtwin.Snapshot, t *dbtwin.Table) (*tableScan, error) {
	name := t.QualifiedName()
	res := &tableScan{table: name, hits: map[string]*columnHits{}}
	var cols []*dbtwin.Column
	var names, skipped []string
	for _, c := range t.CopyColumns() {
		if s.kept[colKey{name, c.Name}] {
			skipped = append(skipped, name+"."+c.Name)
			continue
		}
		if scannable(c) {
			cols = append(cols, c)
			names = append(names, c.Name)
		}
	}
	if len(cols) == 0 {
		return res, nil
	}
	defer func() {
		for _, w := range skipped {
			s.exempt.addWhere(ExemptKept, w, res.rows)
		}
	}()
	fake := make([]bool, len(cols))
	where := make([]string, len(cols))
	for i, c := range cols {
		fake[i] = s.fake[colKey{name, c.Name}]
		where[i] = name + "." + c.Name
	}
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: t, Columns: names})
	if err != nil {
		return nil, fmt.Errorf("read twin table %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		row := rows.Row()
		if len(row) != len(cols) {
			return nil, fmt.Errorf("read twin table %s: got %d fields for %d columns", name, len(row), len(cols))
		}
		for i, v := range row {
			if v == nil {
				continue
			}
			res.cells++
			s.isFake, s.column = fake[i], where[i]
			s.cell(cols[i].Kind, v)
			if len(s.hits) == 0 {
				switch {
				case s.fakeHits > 0:
					s.exempt.addWhere(ExemptFakeCollision, where[i], 1)
				case s.loneHits > 0:
					s.exempt.addWhere(ExemptLoneName, where[i], 1)
				}
				continue
			}
			ch := res.hits[cols[i].Name]
			if ch == nil {
				ch = &columnHits{sets: map[uint32]bool{}}
				res.hits[cols[i].Name] = ch
			}
			ch.cells++
			for _, h := range s.hits {
				ch.sets[h] = true
			}
		}
		res.rows++
		if res.rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read twin table %s: %w", name, err)
	}
	return res, nil
}

// cell looks for original values in one cell: the whole value, and for
// text its words, word pairs and triples and phone-like numbers; for JSON
// every string, number and object key.
func (s *scanner) cell(kind dbtwin.Kind, v []byte) {
	s.hits = s.hits[:0]
	s.fakeHits, s.loneHits = 0, 0
	switch kind {
	case dbtwin.KindInt, dbtwin.KindFloat, dbtwin.KindNumeric:
		s.whole(normText(string(v)))
		return
	case dbtwin.KindJSON:
		if doc, ok := decodeJSON(v); ok {
			s.document(doc)
			return
		}
	case dbtwin.KindText, dbtwin.KindOther:
		if looksJSON(v) {
			if doc, ok := decodeJSON(v); ok {
				s.document(doc)
				return
			}
		}
	}
	s.text(string(v))
}

func (s *scanner) document(doc any) {
	walkJSON(doc, s.text, s.text)
}

// whole looks up a normalized value as a whole, and its digits when it is
// phone-like.
func (s *scanner) whole(norm string) {
	if len(norm) < MinLength {
		return
	}
	s.lookup(classText, norm)
	if !hasLetter(norm) && countDigits(norm) >= minPhoneDigits {
		s.lookup(classDigits, digitsOf(norm))
	}
}

// text looks up a free-text value: whole, then its tokens, word pairs and
// triples and phone-like runs.
func (s *scanner) text(raw string) {
	norm := normText(raw)
	if len(norm) < MinLength {
		return
	}
	s.whole(norm)
	s.toks = appendTokens(s.toks[:0], norm)
	toks := s.toks
	if len(toks) == 0 || (len(toks) == 1 && toks[0] == norm) {
		return
	}
	for i, t := range toks {
		if len(t) >= MinLength {
			s.lookup(classText, t)
		}
		if countDigits(t) >= minPhoneDigits {
			s.lookup(classDigits, digitsOf(t))
		}
		if i+1 < len(toks) {
			s.gram = append(append(append(s.gram[:0], t...), ' '), toks[i+1]...)
			s.lookupBytes(s.gram)
			if i+2 < len(toks) {
				s.gram = append(append(s.gram, ' '), toks[i+2]...)
				s.lookupBytes(s.gram)
			}
		}
	}
	s.runs = appendPhoneRuns(s.runs[:0], norm)
	for _, r := range s.runs {
		s.lookup(classDigits, r)
	}
}

func (s *scanner) lookup(class byte, v string) {
	if set, ok := s.set.get(s.h.digest(class, v)); ok {
		s.hit(set, class, v)
	}
}

func (s *scanner) lookupBytes(v []byte) {
	if set, ok := s.set.get(s.h.digestBytes(classText, v)); ok {
		s.hit(set, classText, string(v))
	}
}

// hit records a match, unless it is a fake value made of dictionary words
// in a column masked by a dictionary transformer, or a lone name outside
// its own column.
func (s *scanner) hit(set uint32, class byte, v string) {
	if s.isFake && class == classText && onlyDictionaryWords(v) {
		s.fakeHits++
		return
	}
	if s.hasLocal(set) && !s.counts(set) {
		s.loneHits++
		return
	}
	s.hits = append(s.hits, set)
}

// hasLocal reports whether an origin set holds lone-name origins.
func (s *scanner) hasLocal(set uint32) bool {
	l, ok := s.local[set]
	if !ok {
		for _, o := range s.set.origins.members(set) {
			l = l || s.set.origins.origins[o].local
		}
		s.local[set] = l
	}
	return l
}

// counts reports whether a match of an origin set with lone-name origins is
// a leak in the current column: some origin is not a lone name, or is the
// lone name of this very column.
func (s *scanner) counts(set uint32) bool {
	for _, m := range s.set.origins.members(set) {
		o := s.set.origins.origins[m]
		if !o.local || o.String() == s.column {
			return true
		}
	}
	return false
}
