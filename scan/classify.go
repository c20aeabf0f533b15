package scan

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/dbtwin/dbtwin"
)

// kindGroup says which detectors apply to a column of a kind.
func kindGroup(k dbtwin.Kind) string {
	switch k {
	case dbtwin.KindText, dbtwin.KindOther, dbtwin.KindArray:
		return "text"
	case dbtwin.KindInt, dbtwin.KindNumeric:
		return "num"
	case dbtwin.KindDate, dbtwin.KindTimestamp, dbtwin.KindTimestampTZ:
		return "date"
	case dbtwin.KindJSON:
		return "json"
	case dbtwin.KindBytes:
		return "bytes"
	case dbtwin.KindUUID:
		return "uuid"
	}
	return ""
}

// allowed reports whether a column of a kind group can hold a category.
func allowed(group, cat string) bool {
	switch group {
	case "text", "json":
		return cat != ""
	case "num":
		return cat == CatPhone || cat == CatNationalID || cat == CatCreditCard || cat == CatPostcode || cat == CatAddress
	case "date":
		return cat == CatBirthDate
	case "bytes":
		return cat == CatPhoto || cat == CatSecret
	case "uuid":
		return cat == CatSecret
	}
	return false
}

// suggestion is the transformer WriteConfig proposes for a category, given
// the column's kind (the mask catalogue's transformers accept given kinds).
func suggestion(cat string, kind dbtwin.Kind) string {
	switch kind {
	case dbtwin.KindBytes, dbtwin.KindArray:
		return "null"
	case dbtwin.KindUUID:
		return "uuid"
	case dbtwin.KindInt, dbtwin.KindNumeric:
		if cat == CatAddress {
			return "number" // a house number
		}
	}
	switch cat {
	case CatEmail, CatPhone, CatFirstName, CatLastName, CatCity, CatPostcode, CatIBAN, CatIP, CatUsername:
		return cat
	case CatCreditCard:
		return "credit_card"
	case CatPersonName:
		return "full_name"
	case CatAddress:
		return "street_address"
	case CatBirthDate:
		return "date"
	case CatNationalID:
		return "digits"
	case CatSecret:
		return "hash"
	case CatPhoto:
		return "null"
	case CatFreeTextPII, CatWebsite:
		return "text"
	case CatJSONPII:
		return "json"
	}
	return "hash"
}

// levelOf turns a confidence into high / medium / low.
func levelOf(c float64) string {
	switch {
	case c >= 0.8:
		return LevelHigh
	case c >= 0.5:
		return LevelMedium
	}
	return LevelLow
}

// valueStats summarises the sampled values of one column (or JSON path).
type valueStats struct {
	n       int        // non-empty values
	cls     []vclass   // detectors that matched, per value
	ids     []string   // national-ID schemes seen
	dates   []float64  // dates as fractional years
	ages    int        // dates giving an age 0..110
	text    int        // values reading like prose
	mention int        // prose values mentioning personal data
	kinds   []string   // what the prose mentioned
	json    *jsonPaths // JSON documents, when values are JSON
}

// rate counts the values matched by any detector of mask.
func (vs *valueStats) rate(mask vclass) (int, float64) {
	if vs.n == 0 {
		return 0, 0
	}
	k := 0
	for _, c := range vs.cls {
		if c&mask != 0 {
			k++
		}
	}
	return k, float64(k) / float64(vs.n)
}

// collect runs the detectors over a column's values.
func collect(group string, values []string, now time.Time, wantJSON bool) *valueStats {
	vs := &valueStats{}
	seenID := map[string]bool{}
	seenKind := map[string]bool{}
	for _, v := range values {
		s := strings.TrimSpace(v)
		if s == "" {
			continue
		}
		vs.n++
		var c vclass
		switch group {
		case "text":
			c = classifyValue(s)
			if c&vNationalID != 0 {
				if k := nationalIDKind(s); !seenID[k] {
					seenID[k] = true
					vs.ids = append(vs.ids, k)
				}
			}
			if d, ok := parseDate(s); ok {
				vs.addDate(d, now)
			}
			if isFreeText(s) {
				vs.text++
				if ms := textMentions(s); len(ms) > 0 {
					vs.mention++
					for _, m := range ms {
						if !seenKind[m] {
							seenKind[m] = true
							vs.kinds = append(vs.kinds, m)
						}
					}
				}
			}
			if wantJSON && (s[0] == '{' || s[0] == '[') {
				if vs.json == nil {
					vs.json = &jsonPaths{}
				}
				vs.json.add(s)
			}
		case "num":
			if isCreditCard(s) {
				c |= vCard
			}
			if k := nationalIDKind(s); k != "" {
				c |= vNationalID
				if !seenID[k] {
					seenID[k] = true
					vs.ids = append(vs.ids, k)
				}
			}
			c |= phoneClass(s) & (vPhoneDigits | vPhone)
			if isPostcode(s) {
				c |= vPostcode
			}
		case "date":
			if d, ok := parseDate(s); ok {
				vs.addDate(d, now)
			}
		case "json":
			if vs.json == nil {
				vs.json = &jsonPaths{}
			}
			vs.json.add(s)
		}
		vs.cls = append(vs.cls, c)
	}
	sort.Strings(vs.ids)
	return vs
}

func (vs *valueStats) addDate(d, now time.Time) {
	vs.dates = append(vs.dates, float64(d.Year())+float64(d.YearDay())/366)
	if plausibleAge(d, now) {
		vs.ages++
	}
}

// birthLike reports whether the dates look like people's birth dates: ages
// 0–110, spread over years (event dates cluster), median age over 14.
func (vs *valueStats) birthLike(now time.Time) (ok bool, spread float64) {
	if len(vs.dates) < 5 || float64(vs.ages) < 0.9*float64(len(vs.dates)) {
		return false, 0
	}
	mean := 0.0
	for _, y := range vs.dates {
		mean += y
	}
	mean /= float64(len(vs.dates))
	v := 0.0
	for _, y := range vs.dates {
		v += (y - mean) * (y - mean)
	}
	sd := math.Sqrt(v / float64(len(vs.dates)))
	sorted := append([]float64(nil), vs.dates...)
	sort.Float64s(sorted)
	median := sorted[len(sorted)/2]
	nowY := float64(now.Year()) + float64(now.YearDay())/366
	lo, hi := sorted[0], sorted[len(sorted)-1]
	return sd >= 5 && nowY-median >= 14, hi - lo
}

// candidate is one possible category for a column with its confidence.
type candidate struct {
	cat      string
	conf     float64
	evidence []string
}

// support gives, per category, the detectors whose matches support it and
// whether a lack of matches contradicts a name (detectable categories).
var support = map[string]struct {
	mask        vclass // detectors whose matches make a value plausible
	strong      vclass // detectors strong enough to decide without the name
	threshold   float64
	base, gain  float64
	detectable  bool
	label       string // what mask matches
	strongLabel string // what strong matches
}{
	CatEmail:      {vEmail, vEmail, 0.5, 0.5, 0.45, true, "email", "email"},
	CatPhone:      {vPhone | vPhoneDigits, vPhone, 0.6, 0.45, 0.4, true, "a phone number", "a written phone number"},
	CatCreditCard: {vCard, vCard, 0.5, 0.5, 0.45, true, "a card number (Luhn-valid)", "a card number (Luhn-valid)"},
	CatIBAN:       {vIBAN, vIBAN, 0.5, 0.5, 0.45, true, "an IBAN (mod-97 valid)", "an IBAN (mod-97 valid)"},
	CatNationalID: {vNationalID, vNationalID, 0.5, 0.5, 0.45, false, "a national ID", "a national ID (checksum or format valid)"},
	CatIP:         {vIP, vIP, 0.5, 0.5, 0.45, true, "an IP address", "an IP address"},
	CatSecret:     {vSecret, vSecret, 0.6, 0.4, 0.4, false, "a secret (token, key or hash)", "a secret (token, key or hash)"},
	CatFirstName:  {vFirstName | vCityLike, vFirstName, 0.6, 0.35, 0.45, false, "a name (words of letters)", "a known given name"},
	CatLastName:   {vLastName | vCityLike, vLastName, 0.6, 0.35, 0.45, false, "a name (words of letters)", "a known surname"},
	CatPersonName: {vFullName | vFirstName | vCityLike, vFullName, 0.5, 0.35, 0.45, false, "a name (words of letters)", "a person's full name"},
	CatAddress:    {vStreet | vStreetLike, vStreet, 0.5, 0.35, 0.45, false, "an address (number and words)", "a street address (number and street word)"},
	CatPostcode:   {vPostcode, 0, 0, 0, 0, false, "a postal code", ""},
	CatCity:       {vCityLike, 0, 0, 0, 0, false, "a place name (words of letters)", ""},
	CatUsername:   {vUsernameLike | vEmail, 0, 0, 0, 0, false, "a user name (handle)", ""},
	CatPhoto:      {0, 0, 0, 0, 0, false, "a photo", ""},
	CatBirthDate:  {0, 0, 0, 0, 0, true, "a birth date", ""},
	CatWebsite:    {0, 0, 0, 0, 0, false, "a web address", ""},
}

// supportRate returns how many values support a category.
func (vs *valueStats) supportRate(cat string) (int, float64) {
	if cat == CatBirthDate {
		if vs.n == 0 {
			return 0, 0
		}
		return vs.ages, float64(vs.ages) / float64(vs.n)
	}
	sp, ok := support[cat]
	if !ok || sp.mask == 0 {
		return 0, 0
	}
	return vs.rate(sp.mask)
}

// matchEvidence says how many values a category's strong detector matched
// (and, for national IDs, under which schemes).
func (vs *valueStats) matchEvidence(cat string, k int) string {
	ev := fmt.Sprintf("%d/%d sampled values match %s (%s)", k, vs.n, support[cat].strongLabel, pct(k, vs.n))
	if cat == CatNationalID && len(vs.ids) > 0 {
		ev += " [" + strings.Join(vs.ids, ", ") + "]"
	}
	return ev
}

func pct(k, n int) string {
	if n == 0 {
		return "0%"
	}
	return fmt.Sprintf("%d%%", int(math.Round(100*float64(k)/float64(n))))
}

// decide picks the most likely category for values under a name hint.
func decide(h nameHint, group string, vs *valueStats, now time.Time) *candidate {
	var cands []candidate
	if h.cat != "" && allowed(group, h.cat) {
		ev := []string{fmt.Sprintf("name matches '%s'", h.word)}
		if h.weak {
			ev[0] += " (ambiguous alone)"
		}
		k, r := vs.supportRate(h.cat)
		sp := support[h.cat]
		var conf float64
		switch {
		case vs.n == 0:
			ev = append(ev, "no non-empty values sampled")
			conf = 0.6
			if h.weak {
				conf = 0.35
			}
		case sp.detectable && vs.n >= 10 && r < 0.1:
			ev = append(ev, fmt.Sprintf("but only %d/%d sampled values look like %s (%s)", k, vs.n, sp.label, pct(k, vs.n)))
			conf = 0.3
		default:
			switch {
			case h.cat == CatBirthDate:
				ev = append(ev, fmt.Sprintf("%d/%d sampled values give an age of 0-110 (%s)", k, vs.n, pct(k, vs.n)))
			case sp.mask != 0 && sp.mask == sp.strong:
				ev = append(ev, vs.matchEvidence(h.cat, k))
			case sp.mask != 0:
				ev = append(ev, fmt.Sprintf("%d/%d sampled values look like %s (%s)", k, vs.n, sp.label, pct(k, vs.n)))
			default:
				r = 0.5
			}
			conf = 0.75 + 0.24*r
			if h.weak {
				conf = 0.35 + 0.55*r
			}
		}
		cands = append(cands, candidate{cat: h.cat, conf: conf, evidence: ev})
	}
	if vs.n >= 5 {
		for _, cat := range precedence {
			sp := support[cat]
			if sp.strong == 0 || !allowed(group, cat) {
				continue
			}
			k, r := vs.rate(sp.strong)
			if r < sp.threshold || k < 3 {
				continue
			}
			cands = append(cands, candidate{cat: cat, conf: sp.base + sp.gain*r, evidence: []string{vs.matchEvidence(cat, k)}})
		}
		if group == "date" || (group == "text" && len(vs.dates) >= vs.n*9/10) {
			if ok, spread := vs.birthLike(now); ok {
				cands = append(cands, candidate{cat: CatBirthDate, conf: 0.6, evidence: []string{
					fmt.Sprintf("%d/%d sampled dates give ages 0-110, spread over %d years", vs.ages, vs.n, int(spread))}})
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	// Merge agreeing candidates; keep the most confident category.
	best := cands[0]
	for _, c := range cands[1:] {
		if c.cat == best.cat {
			if best.conf >= 0.5 {
				best.conf = 1 - (1-best.conf)*(1-c.conf)
			} else {
				best.conf = max(best.conf, c.conf)
			}
			best.evidence = appendNew(best.evidence, c.evidence...)
			continue
		}
		if c.conf > best.conf+0.05 || (c.conf > best.conf && rank(c.cat) < rank(best.cat)) {
			if h.cat == best.cat {
				c.evidence = append(c.evidence, best.evidence...)
			}
			best = c
		}
	}
	best.conf = math.Min(best.conf, 0.99)
	return &best
}

func appendNew(list []string, more ...string) []string {
	for _, m := range more {
		dup := false
		for _, l := range list {
			dup = dup || l == m
		}
		if !dup {
			list = append(list, m)
		}
	}
	return list
}

// classifyColumn judges one column from its name and sampled values. It
// returns nil when nothing suggests personal data.
func classifyColumn(table string, col *dbtwin.Column, values []string, now time.Time) *PII {
	group := kindGroup(col.Kind)
	if group == "" {
		return nil
	}
	h := hintFor(table, col.Name)
	vs := collect(group, values, now, group == "text")
	mk := func(c *candidate) *PII {
		conf := math.Round(c.conf*100) / 100
		p := &PII{Table: table, Column: col.Name, Category: c.cat, Confidence: conf, Level: levelOf(conf),
			Evidence: c.evidence, Suggest: suggestion(c.cat, col.Kind)}
		keepShape(p, values)
		return p
	}
	// JSON documents (a json column, or text holding JSON).
	if vs.json != nil && vs.json.docs > 0 && (group == "json" || vs.json.docs*2 >= vs.n) {
		if p := jsonFinding(table, col.Name, vs.json, now); p != nil {
			return p
		}
		if group == "json" {
			return nil
		}
	}
	best := decide(h, group, vs, now)
	if group == "text" {
		if c := accountLogin(table, col, values, vs); c != nil && (best == nil || best.cat == CatPersonName || best.cat == CatFirstName ||
			best.cat == CatLastName || best.cat == CatCity || best.conf < c.conf) {
			best = c
		}
	}
	if best != nil && best.cat == CatCity && best.conf >= 0.5 && isPlaceTable(table) {
		// city.city: the list of places an address refers to, not a person's.
		best.conf = 0.4
		best.evidence = append(best.evidence, "the table is a list of places (reference data), not of people")
	}
	if best != nil && best.cat == CatAddress && best.conf >= 0.5 && isBusinessTable(table) {
		// A venue's or a store's address is public, not a person's.
		best.conf = 0.4
		best.evidence = append(best.evidence, "the table lists places or businesses (venues, stores): their addresses are public")
	}
	if best != nil && best.conf >= 0.5 {
		return mk(best)
	}
	// Prose mentioning people or contact details.
	if group == "text" && vs.n >= 3 && vs.text*2 >= vs.n && vs.mention >= 2 {
		r := float64(vs.mention) / float64(vs.n)
		if r >= 0.2 {
			return mk(&candidate{cat: CatFreeTextPII, conf: 0.45 + 0.5*r, evidence: []string{
				fmt.Sprintf("%d/%d sampled values are free text mentioning personal data (%s) (%s)",
					vs.mention, vs.n, strings.Join(vs.kinds, ", "), pct(vs.mention, vs.n))}})
		}
	}
	if best != nil {
		return mk(best)
	}
	return nil
}

// isPlaceTable reports whether a table lists places ("city", "towns").
func isPlaceTable(table string) bool {
	if i := strings.LastIndexByte(table, '.'); i >= 0 {
		table = table[i+1:]
	}
	for _, t := range stems(table) {
		if w, ok := words[t]; ok && w.cat == CatCity {
			return true
		}
	}
	return false
}

// businessTables are (stemmed) words of tables listing places open to the
// public, whose addresses are no one's personal data.
var businessTables = map[string]bool{"place": true, "venue": true, "store": true, "shop": true,
	"restaurant": true, "hotel": true, "museum": true, "theater": true, "theatre": true, "gallery": true,
	"station": true, "facility": true, "branch": true, "outlet": true}

// isBusinessTable reports whether a table lists places or businesses.
func isBusinessTable(table string) bool {
	if i := strings.LastIndexByte(table, '.'); i >= 0 {
		table = table[i+1:]
	}
	for _, t := range stems(table) {
		if businessTables[t] {
			return true
		}
	}
	return false
}

// businessAddress reports whether a finding is a place's public address,
// which init keeps (with the reason) instead of masking.
func businessAddress(p PII) bool {
	return p.Category == CatAddress && p.Level == LevelLow && isBusinessTable(p.Table)
}
