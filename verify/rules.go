package verify

import (
	"fmt"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/mask"
	"github.com/dbtwin/dbtwin/scan"
)

// colKey names one column of one table (qualified table name).
type colKey struct{ table, column string }

// ruleInfo is what the leak scan needs of a column's mask rule.
type ruleInfo struct {
	transformer string
	params      map[string]any
	// where places the rule in the config for messages ("" when unknown).
	where string
}

// Masking gives the resolved mask rule of a column; clone.Masking
// implements it (with rules propagated along keys and relations).
type Masking interface {
	Rule(table, column string) (mask.Spec, bool)
}

// ruleSet holds every column's rule, resolved once.
type ruleSet map[colKey]ruleInfo

// maskRules resolves the config's mask rules against a schema: each rule
// under its table's qualified name, inherited by the partitions of a
// partitioned table (they hold its rows). When m is set, its rules (which
// follow keys and relations) are taken as well.
func maskRules(s *dbtwin.Schema, cfg *config.Config, m Masking) ruleSet {
	out := ruleSet{}
	if cfg != nil {
		for _, tm := range cfg.Mask {
			t := s.Table(tm.Table)
			if t == nil {
				continue
			}
			for _, cr := range tm.Columns {
				out[colKey{t.QualifiedName(), cr.Column}] = ruleInfo{transformer: cr.Rule.Transformer, params: cr.Rule.Params,
					where: fmt.Sprintf("%s:%d:%d", cr.Pos.File, cr.Pos.Line, cr.Pos.Column)}
			}
		}
	}
	if m != nil {
		for _, t := range s.Tables {
			for _, c := range t.Columns {
				k := colKey{t.QualifiedName(), c.Name}
				if _, ok := out[k]; ok {
					continue
				}
				if sp, ok := m.Rule(k.table, k.column); ok {
					out[k] = ruleInfo{transformer: sp.Transformer, params: sp.Params}
				}
			}
		}
	}
	// Partitions inherit from their parents, level by level.
	for changed := true; changed; {
		changed = false
		for _, t := range s.Tables {
			if t.PartitionOf == "" {
				continue
			}
			for _, c := range t.Columns {
				k := colKey{t.QualifiedName(), c.Name}
				if _, ok := out[k]; ok {
					continue
				}
				if r, ok := out[colKey{t.PartitionOf, c.Name}]; ok {
					out[k] = r
					changed = true
				}
			}
		}
	}
	return out
}

// keptSet resolves the keep: entries once (config.Resolved: the quoting
// of names with dots included), partitions inheriting their parent's.
func keptSet(s *dbtwin.Schema, cfg *config.Config) map[colKey]bool {
	out := map[colKey]bool{}
	if cfg == nil || len(cfg.Keep) == 0 {
		return out
	}
	r := cfg.Resolved(s)
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			if r.Kept(t.QualifiedName(), c.Name) {
				out[colKey{t.QualifiedName(), c.Name}] = true
			}
		}
	}
	for changed := len(out) > 0; changed; {
		changed = false
		for _, t := range s.Tables {
			if t.PartitionOf == "" {
				continue
			}
			for _, c := range t.Columns {
				k := colKey{t.QualifiedName(), c.Name}
				if !out[k] && out[colKey{t.PartitionOf, c.Name}] {
					out[k] = true
					changed = true
				}
			}
		}
	}
	return out
}

// denseTransformers write values in a dense space of digits (phones,
// identifiers, card numbers): an output equal to *another* row's original
// is expected by chance and counted against chance, not as a leak.
var denseTransformers = map[string]bool{"digits": true, "phone": true, "credit_card": true, "iban": true}

// isDenseRule reports whether a rule (or, for json, one of its paths)
// writes dense-space values.
func isDenseRule(r ruleInfo) bool {
	if denseTransformers[r.transformer] {
		return true
	}
	if r.transformer == "json" {
		paths, _ := r.params["paths"].(map[string]any)
		for _, v := range paths {
			if denseTransformers[nestedTransformer(v)] {
				return true
			}
		}
		if d, _ := r.params["detect"].(bool); d {
			return true
		}
	}
	return false
}

// transformerCategory names the personal data a transformer is meant for.
var transformerCategory = map[string]string{
	"email": scan.CatEmail, "first_name": scan.CatFirstName, "last_name": scan.CatLastName,
	"full_name": scan.CatPersonName, "username": scan.CatUsername, "phone": scan.CatPhone,
	"street_address": scan.CatAddress, "city": scan.CatCity, "postcode": scan.CatPostcode,
	"date": scan.CatBirthDate, "digits": scan.CatNationalID, "credit_card": scan.CatCreditCard,
	"iban": scan.CatIBAN, "ip": scan.CatIP, "text": scan.CatFreeTextPII, "json": scan.CatJSONPII,
}

// digitCategories are categories whose values are compared by their digits
// (a phone written "+1 555 010 9999" is the phone 15550109999).
var digitCategories = map[string]bool{scan.CatPhone: true, scan.CatNationalID: true, scan.CatCreditCard: true}

// fakeTransformers write values drawn from dictionaries (by default): equal
// to an original only by coincidence when made of dictionary words.
var fakeTransformers = map[string]bool{"first_name": true, "last_name": true, "full_name": true,
	"street_address": true, "city": true, "text": true}

// isFakeRule reports whether a rule writes dictionary values.
func isFakeRule(r ruleInfo) bool {
	if !fakeTransformers[r.transformer] {
		return false
	}
	if style, ok := r.params["style"].(string); ok && style == "fpe" {
		return false
	}
	return true
}

// sink is where the values of one column (or JSON path, or assembled name)
// go: their origin and their cardinality tracker.
type sink struct {
	card   *cardinality
	origin uint32
	// lone, when hasLone, is the origin of single-word values of a name
	// column (they count only in their own twin column).
	lone    uint32
	hasLone bool
	// allLocal makes every value local, whatever its word count: place
	// names and postcodes are shared by many people, so they count as leaks
	// only in their own twin column (where an unchanged value means the
	// masking failed), not when a district or an album title holds them.
	allLocal bool
	digits   bool // also digest the digits (phone-like values)
}

// localCategories are the categories whose values, alone, identify no one.
var localCategories = map[string]bool{scan.CatCity: true, scan.CatPostcode: true}

// loneCategories are the name categories whose single words are lone names.
var loneCategories = map[string]bool{scan.CatFirstName: true, scan.CatLastName: true, scan.CatPersonName: true}

// colPlan says how to collect one source column.
type colPlan struct {
	sink
	idx      int // in the read request's columns
	column   *dbtwin.Column
	category string
	// wholeExempt names the rule exempting the whole column by its kind
	// (bool/enum: low-cardinality; date/time kinds: date), or "".
	wholeExempt string
	// json is set for JSON documents: the leaves to collect.
	json *jsonPlan
	// masked is true when a rule masks the column; dense when its values
	// live in a dense space of digits; sameRow when a twin cell equal to
	// its own row's original is checked inline (clone only).
	masked, dense, sameRow bool
}

// tablePlan says which columns of one source table to collect.
type tablePlan struct {
	table   *dbtwin.Table
	columns []string
	cols    []*colPlan
	// name assembles a person's name from a first- and a last-name column.
	name *namePlan
}

type namePlan struct {
	sink
	first, last int // indexes into cols
}

// planSource decides, for one table, which source columns hold values the
// twin must not contain: every masked column and every column the name
// classification flags (scan.ColumnCategory, as strict mode and init), except
// keep: entries and the columns strict: false copies unmasked (warnings).
// It returns nil when the table has none.
func planSource(t *dbtwin.Table, rules ruleSet, kept, unmasked map[colKey]bool, os *originSets) (*tablePlan, error) {
	tp := &tablePlan{table: t}
	firstIdx, lastIdx := -1, -1
	tn := t.QualifiedName()
	for _, c := range t.CopyColumns() {
		k := colKey{tn, c.Name}
		if kept[k] || unmasked[k] {
			continue
		}
		rule, masked := rules[k]
		// The classification strict mode and init use: name in its table's
		// context ("name" in accounts is a login, "website" in users is
		// personal), only where the column's type can hold it, never a
		// surrogate key or a generated column.
		nameCat, flagged := scan.ColumnCategory(t, c)
		if !masked && !flagged {
			continue
		}
		if masked && (rule.transformer == "keep" && !flagged) {
			continue // explicitly kept by a rule and nothing says it is personal
		}
		if masked && (rule.transformer == "null") {
			continue // nothing of it reaches the twin
		}
		cp := &colPlan{idx: len(tp.columns), column: c, category: nameCat, masked: masked}
		cp.card = newCardinality()
		if cp.category == "" {
			cp.category = transformerCategory[rule.transformer]
		}
		if cp.category == "" {
			cp.category = "masked"
		}
		cp.digits = digitCategories[cp.category]
		if masked && mask.NormClass(rule.transformer) == mask.NormDigits {
			cp.digits = true
		}
		cp.dense = digitCategories[cp.category] || (masked && isDenseRule(rule))
		switch c.Kind {
		case dbtwin.KindBool, dbtwin.KindEnum:
			cp.wholeExempt = ExemptLowCardinality
		case dbtwin.KindDate, dbtwin.KindTime, dbtwin.KindTimestamp, dbtwin.KindTimestampTZ, dbtwin.KindInterval:
			cp.wholeExempt = ExemptDate
		case dbtwin.KindBytes:
			continue // binary data (photos) is not compared
		}
		// An unchanged cell is checked inline (same row) except in JSON
		// documents (their leaves are checked through the digests) and for
		// rules that keep values on purpose.
		cp.sameRow = masked && rule.transformer != "json" && rule.transformer != "keep" && cp.wholeExempt == ""
		if (c.Kind == dbtwin.KindJSON && !masked) || (masked && rule.transformer == "json") {
			jp, err := newJSONPlan(tn, c.Name, rule, masked, os)
			if err != nil {
				return nil, err
			}
			cp.json = jp
		}
		cp.origin = os.origin(Origin{Table: tn, Column: c.Name, Category: cp.category, dense: cp.dense})
		if loneCategories[cp.category] || localCategories[cp.category] {
			cp.lone = os.origin(Origin{Table: tn, Column: c.Name, Category: cp.category, local: true})
			cp.hasLone = true
			cp.allLocal = localCategories[cp.category]
		}
		switch cp.category {
		case scan.CatFirstName:
			if firstIdx < 0 {
				firstIdx = len(tp.cols)
			}
		case scan.CatLastName:
			if lastIdx < 0 {
				lastIdx = len(tp.cols)
			}
		}
		tp.columns = append(tp.columns, c.Name)
		tp.cols = append(tp.cols, cp)
	}
	if len(tp.cols) == 0 {
		return nil, nil
	}
	if firstIdx >= 0 && lastIdx >= 0 {
		f, l := tp.cols[firstIdx].column.Name, tp.cols[lastIdx].column.Name
		tp.name = &namePlan{first: firstIdx, last: lastIdx}
		tp.name.card = newCardinality()
		tp.name.origin = os.origin(Origin{Table: tn, Column: f + "+" + l, Category: scan.CatPersonName})
	}
	return tp, nil
}

// unmaskedColumns lists the columns strict: false copies as they are: their
// names say they are personal, they have no rule and are not kept.
func unmaskedColumns(s *dbtwin.Schema, rules ruleSet, kept map[colKey]bool) map[colKey]bool {
	out := map[colKey]bool{}
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			k := colKey{t.QualifiedName(), c.Name}
			if _, ok := rules[k]; ok || kept[k] || c.Generated != "" {
				continue
			}
			if _, ok := scan.NameCategory(c.Name); ok && !t.IsSurrogateKey(c.Name) {
				out[k] = true
			}
		}
	}
	return out
}

// ruleError places a problem with a mask rule in the config file.
func ruleError(table, column string, r ruleInfo, err error) error {
	if r.where == "" {
		return fmt.Errorf("mask rule of %s.%s: %w", table, column, err)
	}
	return fmt.Errorf("%s: mask rule of %s.%s: %w", r.where, table, column, err)
}
