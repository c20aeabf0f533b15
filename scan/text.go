package scan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dbtwin/dbtwin"
)

// Free text: notes, comments, messages. A value "mentions" personal data
// when it contains an e-mail address, a written phone number, a card
// number, an IBAN, a formatted national ID, or a person (a full name, or a
// given name in a text that speaks of he/she).

var (
	emailIn  = regexp.MustCompile(`[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	phoneIn  = regexp.MustCompile(`(\+\d[\d ().-]{7,}\d|\(\d{1,5}\)[\d .-]{5,}\d|\b\d{2,5}[-. ]\d{2,5}[-. ]\d{2,6}\b)`)
	cardIn   = regexp.MustCompile(`\b\d(?:[ -]?\d){12,18}\b`)
	ibanIn   = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b`)
	idIn     = regexp.MustCompile(`\b(\d{3}-\d{2}-\d{4}|\d{6}[-+A]\d{3}[0-9A-Y]|\d{6,8}-\d{4}|\d{8}[A-Z]|[XYZ]\d{7}[A-Z]|\d{3}\.\d{3}\.\d{3}-\d{2})\b`)
	pronouns = map[string]bool{"he": true, "she": true, "his": true, "her": true, "him": true, "hers": true,
		"himself": true, "herself": true, "elle": true, "ella": true, "lei": true}
)

// textMentions returns the kinds of personal data a free-text value mentions.
func textMentions(s string) []string {
	var out []string
	if emailIn.MatchString(s) {
		out = append(out, "email")
	}
	for _, m := range phoneIn.FindAllString(s, 4) {
		if phoneClass(strings.TrimSpace(m)) == vPhone && !isoDate.MatchString(m) {
			out = append(out, "phone")
			break
		}
	}
	for _, m := range cardIn.FindAllString(s, 4) {
		if isCreditCard(m) {
			out = append(out, "credit_card")
			break
		}
	}
	for _, m := range ibanIn.FindAllString(s, 4) {
		if isIBAN(m) {
			out = append(out, "iban")
			break
		}
	}
	for _, m := range idIn.FindAllString(s, 4) {
		if nationalIDKind(m) != "" {
			out = append(out, "national_id")
			break
		}
	}
	if mentionsPerson(s) {
		out = append(out, "person")
	}
	return out
}

// mentionsPerson: "Nancy Davolio", "Mr. Smith", or a given name in a text
// that also uses a personal pronoun ("Andrew received his degree ...").
func mentionsPerson(s string) bool {
	ws := strings.FieldsFunc(s, func(r rune) bool { return !(unicode.IsLetter(r) || r == '\'' || r == '.') })
	pronoun, given := false, false
	for i, w := range ws {
		bare := strings.Trim(w, ".'")
		if pronouns[strings.ToLower(bare)] {
			pronoun = true
		}
		if !isCapitalised(bare) || len(bare) < 3 {
			if titles[strings.ToLower(bare)] && strings.HasSuffix(w, ".") && i+1 < len(ws) && isCapitalised(ws[i+1]) && len(ws[i+1]) > 2 {
				return true
			}
			continue
		}
		if !isFirstName(bare) || isAmbiguousName(bare) {
			continue
		}
		if i > 0 {
			prev := strings.ToLower(ws[i-1])
			if prev == "a" || prev == "an" || prev == "the" {
				continue
			}
		}
		given = true
		if i+1 < len(ws) {
			next := strings.Trim(ws[i+1], ".'")
			if isCapitalised(next) && isLastName(next) {
				return true
			}
		}
	}
	return given && pronoun
}

// isCapitalised: "Nancy" (an upper-case letter followed by lower-case ones).
func isCapitalised(w string) bool {
	r := []rune(w)
	if len(r) < 2 || !unicode.IsUpper(r[0]) {
		return false
	}
	for _, x := range r[1:] {
		if !unicode.IsLower(x) && x != '-' && x != '\'' {
			return false
		}
	}
	return true
}

// isFreeText reports whether a value reads like prose rather than a field.
func isFreeText(s string) bool {
	return len(s) >= 30 && len(strings.Fields(s)) >= 5
}

// JSON documents: every leaf is checked with the value detectors and its
// key with the name dictionary; findings are reported per key path
// ("$.contact.email", "$.phones[*]").

// leafStats aggregates the values seen at one JSON path.
type leafStats struct {
	n      int
	counts map[vclass]int
	values []string // kept only to evaluate; never reported
}

// jsonPaths collects JSON leaves by path for one column.
type jsonPaths struct {
	docs  int
	paths map[string]*leafStats
}

const maxJSONPaths = 256

// add parses one document; it returns false if the value is not JSON.
func (j *jsonPaths) add(v string) bool {
	t := strings.TrimSpace(v)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(t)))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return false
	}
	if j.paths == nil {
		j.paths = map[string]*leafStats{}
	}
	j.docs++
	j.walk("$", doc, 0)
	return true
}

func (j *jsonPaths) walk(path string, v any, depth int) {
	if depth > 16 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			j.walk(path+"."+safeKey(k), x[k], depth+1)
		}
	case []any:
		for _, e := range x {
			j.walk(path+"[*]", e, depth+1)
		}
	case string:
		j.leaf(path, x)
	case json.Number:
		j.leaf(path, x.String())
	}
}

func (j *jsonPaths) leaf(path, v string) {
	ls := j.paths[path]
	if ls == nil {
		if len(j.paths) >= maxJSONPaths {
			return
		}
		ls = &leafStats{counts: map[vclass]int{}}
		j.paths[path] = ls
	}
	ls.n++
	if len(ls.values) < 1000 {
		ls.values = append(ls.values, v)
	}
}

// safeKey returns a JSON key fit for a report: keys that are data (an
// e-mail used as a key, a number, a long token) become "*", so no sampled
// value reaches the output through a path.
func safeKey(k string) string {
	if k == "" || len(k) > 40 || classifyValue(k)&(vEmail|vPhone|vPhoneDigits|vCard|vIBAN|vNationalID|vIP|vSecret|vFullName) != 0 {
		return "*"
	}
	if _, err := strconv.ParseFloat(k, 64); err == nil {
		return "*"
	}
	for _, r := range k {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-') {
			return "*"
		}
	}
	return k
}

// lastKey is the last named segment of a path ("$.contact.email" -> "email").
func lastKey(path string) string {
	p := strings.ReplaceAll(path, "[*]", "")
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[i+1:]
	}
	return ""
}

// jsonFinding reports the personal data found at JSON key paths.
func jsonFinding(table, column string, jp *jsonPaths, now time.Time) *PII {
	paths := make([]string, 0, len(jp.paths))
	for p := range jp.paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var found []PathPII
	top := 0.0
	for _, p := range paths {
		ls := jp.paths[p]
		vs := collect("text", ls.values, now, false)
		c := decide(hintFor("", lastKey(p)), "text", vs, now)
		if c == nil || c.conf < 0.5 {
			continue
		}
		conf := math.Round(c.conf*100) / 100
		top = max(top, conf)
		found = append(found, PathPII{Path: p, Category: c.cat, Confidence: conf, Suggest: suggestion(c.cat, dbtwin.KindText),
			Evidence: strings.Join(c.evidence, "; ")})
	}
	if len(found) == 0 {
		return nil
	}
	var cats []string
	for _, f := range found {
		cats = append(cats, f.Path+" "+f.Category)
	}
	return &PII{Table: table, Column: column, Category: CatJSONPII, Confidence: top, Level: levelOf(top),
		Evidence: []string{fmt.Sprintf("%d sampled JSON documents; personal data at %d key paths: %s",
			jp.docs, len(found), strings.Join(cats, ", "))},
		Suggest: "json", Paths: found}
}
