package verify

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/brianvoe/gofakeit/v7/data"
)

// Exemption rules: original values the scan does not look for, because
// finding them in the twin proves nothing.
const (
	// ExemptTooShort: values under MinLength characters identify no one.
	ExemptTooShort = "too-short"
	// ExemptShortNumber: numbers with fewer than 7 digits (postcodes, house
	// numbers, amounts) recur by chance in any table.
	ExemptShortNumber = "short-number"
	// ExemptDate: dates and times; a shifted date often equals someone
	// else's real one.
	ExemptDate = "date"
	// ExemptLowCardinality: bool and enum columns, and columns with at most
	// LowCardinality distinct values that repeat (country codes, statuses).
	ExemptLowCardinality = "low-cardinality"
	// ExemptDictionary: common words the fake-value transformers also write
	// (first and last names, cities, street words, dictionary words).
	ExemptDictionary = "dictionary-word"
	// ExemptFakeCollision: a value in a twin column masked by a dictionary
	// transformer that is made only of dictionary words and happens to equal
	// some original value (a fake "Jane Smith" that is also a real person's
	// name is not that person's data). Counted on the twin's side.
	ExemptFakeCollision = "fake-collision"
	// ExemptLoneName: a single first or last name found outside the twin
	// column it was read from (an actor, a city or a film title that shares
	// a customer's first name). A lone name found in its own column, and a
	// full name found anywhere, are leaks. Counted on the twin's side.
	ExemptLoneName = "lone-name"
	// ExemptKept is no longer applied: columns under keep: are searched
	// (keep: only stops a column from being a source of original values).
	// Kept for API compatibility.
	// Former meaning: twin columns the config lists under keep: (declared not
	// personal) are not searched; counted in twin cells.
	ExemptKept = "kept-column"
)

// exemptionText explains each rule in reports.
var exemptionText = map[string]string{
	ExemptTooShort:       "values shorter than 4 characters identify no one",
	ExemptShortNumber:    "numbers with fewer than 7 digits (postcodes, house numbers, amounts) recur by chance",
	ExemptDate:           "dates and times recur by chance (a shifted date often equals someone else's)",
	ExemptLowCardinality: "bool and enum columns, and columns of at most 32 distinct values that repeat (codes, statuses)",
	ExemptDictionary:     "common names and words that fake-value transformers also write",
	ExemptFakeCollision:  "a fake value made of dictionary words that happens to equal an original in a twin column masked with a dictionary transformer",
	ExemptLoneName:       "a single first or last name found outside its own column (names alone are shared by many people)",
}

// exemptionOrder is the order rules are reported in.
var exemptionOrder = []string{ExemptTooShort, ExemptShortNumber, ExemptDate, ExemptLowCardinality,
	ExemptDictionary, ExemptFakeCollision, ExemptLoneName}

// Thresholds of the exemptions.
const (
	// MinLength is the shortest normalized value (in characters) looked for.
	MinLength = 4
	// LowCardinality is the most distinct values a column may have to be
	// exempt as low-cardinality (its values must also repeat: on average
	// each appears at least twice).
	LowCardinality = 32
)

var (
	dictOnce sync.Once
	// dictValues holds whole dictionary entries ("new york", "smith").
	dictValues map[string]bool
	// dictWords holds the single words of every entry.
	dictWords map[string]bool
)

// dictionary loads the word lists of gofakeit's data package that the mask
// package draws fake values from.
func dictionary() (values, words map[string]bool) {
	dictOnce.Do(func() {
		dictValues, dictWords = map[string]bool{}, map[string]bool{}
		add := func(list []string) {
			for _, w := range list {
				w = normText(w)
				if w == "" {
					continue
				}
				dictValues[w] = true
				h := dictHash(w) & (dictBits - 1)
				dictFilter.bits[h/64] |= 1 << (h % 64)
				if dictFilter.maxLen == 0 || len(w) < dictFilter.minLen {
					dictFilter.minLen = len(w)
				}
				dictFilter.maxLen = max(dictFilter.maxLen, len(w))
				var buf [8]string
				for _, t := range appendTokens(buf[:0], w) {
					dictWords[t] = true
				}
			}
		}
		for _, k := range []string{"first", "middle", "last"} {
			add(data.Person[k])
		}
		for _, k := range []string{"city", "street_name", "street_suffix", "street_prefix"} {
			add(data.Address[k])
		}
		add(data.Lorem["word"])
		for _, list := range data.Word {
			add(list)
		}
	})
	return dictValues, dictWords
}

// isDictionaryValue reports whether a normalized value is one dictionary entry.
func isDictionaryValue(norm string) bool {
	v, _ := dictionary()
	if !dictFilter.has(norm) {
		return false
	}
	return v[norm]
}

// dictBits is the size in bits of dictFilter (a power of two).
const dictBits = 1 << 18

// dictFilter is a one-hash Bloom filter of the dictionary's values and
// its length range: most looked-up values are rejected from a 32 KB bit
// array and a length test instead of a lookup in the large map. It has no
// false negatives, so it never changes an answer.
var dictFilter lengthBloom

type lengthBloom struct {
	bits           [dictBits / 64]uint64
	minLen, maxLen int
}

func (f *lengthBloom) has(s string) bool {
	if len(s) < f.minLen || len(s) > f.maxLen {
		return false
	}
	h := dictHash(s) & (dictBits - 1)
	return f.bits[h/64]&(1<<(h%64)) != 0
}

// dictHash is FNV-1a, 64-bit.
func dictHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// onlyDictionaryWords reports whether every token of a normalized value is a
// dictionary word or a number (a fake street is "12 Oak Street").
func onlyDictionaryWords(norm string) bool {
	_, words := dictionary()
	var buf [8]string
	toks := appendTokens(buf[:0], norm)
	found := false
	for _, t := range toks {
		switch {
		case words[t] || suffixedWord(t):
			found = true
		case countDigits(t) != len(t):
			return false
		}
	}
	return found
}

// suffixedWord reports a dictionary word with a street suffix glued on
// ("smithville"), as the street_address transformer writes them.
func suffixedWord(t string) bool {
	_, words := dictionary()
	for _, sfx := range data.Address["street_suffix"] {
		if len(t) > len(sfx) && strings.HasSuffix(t, sfx) && words[t[:len(t)-len(sfx)]] {
			return true
		}
	}
	return false
}

// valueExemption returns the rule exempting a normalized original value, or "".
// It runs for every original value and every twin token, so the common
// cases take one pass over the bytes.
func valueExemption(norm string) string {
	if len(norm) < MinLength || (len(norm) < MinLength*utf8.UTFMax && utf8.RuneCountInString(norm) < MinLength) {
		return ExemptTooShort
	}
	digits, letters := 0, false
	for i := 0; i < len(norm); i++ {
		switch c := norm[i]; {
		case c >= '0' && c <= '9':
			digits++
		case ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || c >= utf8.RuneSelf:
			letters = true
		}
	}
	if !letters && digits > 0 && digits < minPhoneDigits && strings.Trim(norm, "0123456789 .,-+'()/") == "" {
		return ExemptShortNumber
	}
	if norm[0] >= '0' && norm[0] <= '9' && looksDate(norm) {
		return ExemptDate
	}
	if letters && isDictionaryValue(norm) {
		return ExemptDictionary
	}
	return ""
}

// isShortNumber reports a value with no letters and fewer than 7 digits
// ("12345", "-42.50", "1 234").
func isShortNumber(s string) bool {
	if countDigits(s) >= minPhoneDigits || hasLetter(s) || countDigits(s) == 0 {
		return false
	}
	return strings.Trim(s, "0123456789 .,-+'()/") == ""
}

// looksDate reports a date or timestamp in a common layout: yyyy-mm-dd,
// yyyy/mm/dd, dd.mm.yyyy, mm/dd/yyyy, optionally followed by a time.
func looksDate(s string) bool {
	d, rest := datePart(s)
	if !d {
		return false
	}
	rest = strings.TrimLeft(rest, " t")
	if rest == "" {
		return true
	}
	// A time: digits and : . + - and a zone name.
	return strings.Trim(rest, "0123456789:.+- utczg") == "" && countDigits(rest) >= 2
}

func datePart(s string) (bool, string) {
	nums := [3]int{}
	widths := [3]int{}
	i := 0
	var sep byte
	for k := 0; k < 3; k++ {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i || j-i > 4 {
			return false, ""
		}
		widths[k] = j - i
		for _, c := range []byte(s[i:j]) {
			nums[k] = nums[k]*10 + int(c-'0')
		}
		i = j
		if k < 2 {
			if i >= len(s) || (s[i] != '-' && s[i] != '/' && s[i] != '.') || (sep != 0 && s[i] != sep) {
				return false, ""
			}
			sep = s[i]
			i++
		}
	}
	switch {
	case widths[0] == 4 && widths[1] <= 2 && widths[2] <= 2: // yyyy-mm-dd
		return nums[1] >= 1 && nums[1] <= 12 && nums[2] >= 1 && nums[2] <= 31, s[i:]
	case widths[2] == 4 && widths[0] <= 2 && widths[1] <= 2: // dd.mm.yyyy, mm/dd/yyyy
		return nums[0] >= 1 && nums[0] <= 31 && nums[1] >= 1 && nums[1] <= 31, s[i:]
	}
	return false, ""
}

// cardinality decides whether one source column (or JSON path) is
// low-cardinality. Until the column shows more than LowCardinality distinct
// values, its digests wait here; once it does, they go to the runs and so
// do all later ones. Memory is bounded by LowCardinality values. Safe for
// concurrent use (rows of one table are digested on several goroutines).
type cardinality struct {
	over     atomic.Bool
	mu       sync.Mutex
	distinct map[uint64]bool // value keys seen, while few
	pending  map[uint64]digestOf
	values   atomic.Int64 // non-exempt values seen
}

// digestOf is a digest with the origin it is to be recorded under and its
// value-space bucket (dense digit strings; 0 otherwise).
type digestOf struct {
	d uint64
	o uint32
	b uint32
}

func newCardinality() *cardinality {
	return &cardinality{distinct: map[uint64]bool{}, pending: map[uint64]digestOf{}}
}

// add records one value: its key digest and its digests. It returns the
// digests to record now (appended to out; none while the column may still
// be low-cardinality).
func (c *cardinality) add(key uint64, digests []digestOf, out []digestOf) []digestOf {
	c.values.Add(1)
	if c.over.Load() {
		return append(out, digests...)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.over.Load() {
		return append(out, digests...)
	}
	c.distinct[key] = true
	for _, d := range digests {
		c.pending[d.d] = d
	}
	if len(c.distinct) <= LowCardinality {
		return out
	}
	for _, d := range c.pending {
		out = append(out, d)
	}
	c.distinct, c.pending = nil, nil
	c.over.Store(true)
	return out
}

// finish ends the column: low reports whether it is exempt as
// low-cardinality; otherwise flush holds the digests still to record.
func (c *cardinality) finish() (low bool, flush []digestOf) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.over.Load() {
		return false, nil
	}
	if len(c.distinct) > 0 && c.values.Load() >= 2*int64(len(c.distinct)) {
		return true, nil
	}
	for _, d := range c.pending {
		flush = append(flush, d)
	}
	c.pending = map[uint64]digestOf{}
	return false, flush
}
