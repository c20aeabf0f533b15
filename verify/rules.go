package verify

import (
	"fmt"
	"sort"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/mask"
	"github.com/dbtwin/dbtwin/scan"
)

// colKey names one column of one table (qualified table name).
type colKey struct{ table, column string }

// maskRules resolves the config's mask rules against a schema: each rule
// under its table's qualified name, inherited by the partitions of a
// partitioned table (they hold its rows).
func maskRules(s *dbtwin.Schema, cfg *config.Config) map[colKey]config.ColumnRule {
	out := map[colKey]config.ColumnRule{}
	if cfg == nil {
		return out
	}
	for _, tm := range cfg.Mask {
		t := s.Table(tm.Table)
		if t == nil {
			continue
		}
		for _, cr := range tm.Columns {
			out[colKey{t.QualifiedName(), cr.Column}] = cr
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
func isFakeRule(r config.Rule) bool {
	if !fakeTransformers[r.Transformer] {
		return false
	}
	if style, ok := r.Params["style"].(string); ok && style == "fpe" {
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

// planSource decides, table by table, which source columns hold values the
// twin must not contain: every masked column and every column the name
// dictionary flags (scan.NameCategory), except keep: entries and surrogate
// keys.
func planSource(s *dbtwin.Schema, cfg *config.Config, rules map[colKey]config.ColumnRule, set *digestSet) ([]*tablePlan, error) {
	var plans []*tablePlan
	for _, t := range s.Tables {
		if !t.HasRows() {
			continue
		}
		tp := &tablePlan{table: t}
		firstIdx, lastIdx := -1, -1
		for _, c := range t.CopyColumns() {
			tn := t.QualifiedName()
			if kept(s, cfg, t, c.Name) {
				continue
			}
			rule, masked := rules[colKey{tn, c.Name}]
			nameCat, flagged := scan.NameCategory(c.Name)
			if flagged && !masked && t.IsSurrogateKey(c.Name) {
				flagged = false
			}
			if !masked && !flagged {
				continue
			}
			if masked && (rule.Rule.Transformer == "keep" && !flagged) {
				continue // explicitly kept by a rule and nothing says it is personal
			}
			if masked && (rule.Rule.Transformer == "null") {
				continue // nothing of it reaches the twin
			}
			cp := &colPlan{idx: len(tp.columns), column: c, category: nameCat}
			cp.card = newCardinality()
			if cp.category == "" {
				cp.category = transformerCategory[rule.Rule.Transformer]
			}
			if cp.category == "" {
				cp.category = "masked"
			}
			cp.digits = digitCategories[cp.category]
			if masked && mask.NormClass(rule.Rule.Transformer) == mask.NormDigits {
				cp.digits = true
			}
			switch c.Kind {
			case dbtwin.KindBool, dbtwin.KindEnum:
				cp.wholeExempt = ExemptLowCardinality
			case dbtwin.KindDate, dbtwin.KindTime, dbtwin.KindTimestamp, dbtwin.KindTimestampTZ, dbtwin.KindInterval:
				cp.wholeExempt = ExemptDate
			case dbtwin.KindBytes:
				continue // binary data (photos) is not compared
			}
			if (c.Kind == dbtwin.KindJSON && !masked) || (masked && rule.Rule.Transformer == "json") {
				jp, err := newJSONPlan(tn, c.Name, rule, masked, set.origins)
				if err != nil {
					return nil, err
				}
				cp.json = jp
			}
			cp.origin = set.origins.origin(Origin{Table: tn, Column: c.Name, Category: cp.category})
			if loneCategories[cp.category] || localCategories[cp.category] {
				cp.lone = set.origins.origin(Origin{Table: tn, Column: c.Name, Category: cp.category, local: true})
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
			continue
		}
		if firstIdx >= 0 && lastIdx >= 0 {
			f, l := tp.cols[firstIdx].column.Name, tp.cols[lastIdx].column.Name
			tp.name = &namePlan{first: firstIdx, last: lastIdx}
			tp.name.card = newCardinality()
			tp.name.origin = set.origins.origin(Origin{Table: t.QualifiedName(), Column: f + "+" + l, Category: scan.CatPersonName})
		}
		plans = append(plans, tp)
	}
	sort.Slice(plans, func(i, j int) bool { return plans[i].table.QualifiedName() < plans[j].table.QualifiedName() })
	return plans, nil
}

// kept reports whether table.column is under keep:, directly or through the
// partitioned table t is a partition of.
func kept(s *dbtwin.Schema, cfg *config.Config, t *dbtwin.Table, column string) bool {
	for depth := 0; cfg != nil && t != nil && depth < 32; depth++ {
		if cfg.Kept(s, t.QualifiedName(), column) {
			return true
		}
		if t.PartitionOf == "" {
			return false
		}
		t = s.Table(t.PartitionOf)
	}
	return false
}

// ruleError places a problem with a mask rule in the config file.
func ruleError(table, column string, r config.ColumnRule, err error) error {
	return fmt.Errorf("%s: mask rule of %s.%s: %w", r.Pos, table, column, err)
}
