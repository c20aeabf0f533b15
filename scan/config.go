package scan

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
)

// WriteConfig writes a starter dbtwin.yaml from a scan: mask rules for the
// personal data found (high and medium confidence active, low commented
// out), the columns judged safe under keep, the undeclared links
// (high-confidence active, medium commented out) and a commented-out subset
// section rooted at the table most others hang from. Every rule carries its
// category, confidence and evidence as a comment; no value is copied.
func WriteConfig(w io.Writer, res *Result, schema *dbtwin.Schema) error {
	if res == nil || schema == nil {
		return fmt.Errorf("write config: %w: a scan result and its schema are both needed", dbtwin.ErrUsage)
	}
	ew := &errWriter{w: w}
	st := res.Stats
	ew.printf("# dbtwin.yaml: starter configuration written by `dbtwin init` from a scan of a %s database\n", res.Engine)
	ew.printf("# (%d tables, %s of about %s rows sampled, %d queries).\n", st.Tables, thousands(st.Rows), thousands(st.DatabaseRows), st.Queries)
	ew.printf("# The scan reads samples, so it can miss or misjudge a column: review every rule before\n")
	ew.printf("# trusting it. Comments give each rule's category, confidence and evidence (counts only).\n")
	ew.printf("version: 1\n")
	writeMask(ew, res, schema)
	writeKeep(ew, res, schema)
	writeRelations(ew, res, schema)
	writeSubset(ew, res, schema)
	return ew.err
}

func writeMask(ew *errWriter, res *Result, schema *dbtwin.Schema) {
	byTable := map[string][]PII{}
	var tables []string
	for _, p := range res.PII {
		if _, ok := byTable[p.Table]; !ok {
			tables = append(tables, p.Table)
		}
		byTable[p.Table] = append(byTable[p.Table], p)
	}
	ew.printf("\n# Personal data to mask: table -> column -> transformer (see `dbtwin transformers`).\n")
	ew.printf("# Active rules are high or medium confidence; commented-out ones are low: uncomment if right.\n")
	active := 0
	for _, p := range res.PII {
		if activeRule(schema, p) {
			active++
		}
	}
	if active == 0 {
		ew.printf("mask: {}\n")
	} else {
		ew.printf("mask:\n")
	}
	for _, t := range tables {
		ps := byTable[t]
		on := 0
		for _, p := range ps {
			if activeRule(schema, p) {
				on++
			}
		}
		ind := "  "
		if on == 0 {
			ew.printf("  # %s:\n", yamlKey(tableRef(schema, t)))
			ind = "  #   "
		} else {
			ew.printf("  %s:\n", yamlKey(tableRef(schema, t)))
			ind = "    "
		}
		for _, p := range ps {
			prefix := ind
			note := fmt.Sprintf("%s, %s %.2f: %s", p.Category, p.Level, p.Confidence, strings.Join(p.Evidence, "; "))
			switch {
			case generated(schema, p):
				prefix = ind + "# "
				note = "generated column: mask the columns it is computed from. " + note
			case !activeRule(schema, p) && on > 0:
				prefix = ind + "# "
			case p.Level == LevelLow:
				note = "the column's name says personal data (strict mode requires a rule): mask it, or move it to keep: if it is not. " + note
			}
			ew.printf("%s%s: %s  # %s\n", prefix, yamlKey(p.Column), ruleFor(p, uniqueColumn(schema, p)), oneLine(note))
		}
	}
}

// activeRule reports whether a finding is written as an active rule: high
// and medium confidence, and low confidence when the column's name alone
// would make strict mode refuse the clone (so the config passes as is).
func activeRule(schema *dbtwin.Schema, p PII) bool {
	if generated(schema, p) {
		return false
	}
	if p.Level != LevelLow {
		return true
	}
	if businessAddress(p) {
		return false // kept, with the reason
	}
	t := schema.Table(p.Table)
	if t == nil {
		return false
	}
	_, byName := ColumnCategory(t, t.Column(p.Column))
	return byName
}

func generated(schema *dbtwin.Schema, p PII) bool {
	t := schema.Table(p.Table)
	if t == nil {
		return false
	}
	c := t.Column(p.Column)
	return c != nil && c.Generated != ""
}

// ruleFor writes a finding's rule: the transformer name, or a flow map
// with its parameters. On a column in a unique key the rule is unique-safe:
// dictionary transformers in their format-preserving style, a full-length
// digest instead of word substitution.
func ruleFor(p PII, unique bool) string {
	switch p.Category {
	case CatNationalID:
		if p.Suggest == "digits" {
			return "{transformer: digits, keep_length: true}"
		}
	case CatBirthDate:
		if p.Suggest == "date" {
			return "{transformer: date, age_band: 10}"
		}
	case CatJSONPII:
		var parts []string
		for _, pp := range p.Paths {
			parts = append(parts, strconv.Quote(pp.Path)+": "+pp.Suggest)
		}
		return "{transformer: json, paths: {" + strings.Join(parts, ", ") + "}}"
	}
	if p.Style != "" {
		return "{transformer: " + p.Suggest + ", style: " + p.Style + "}"
	}
	if unique {
		switch p.Suggest {
		case "first_name", "last_name", "full_name", "username", "street_address":
			return "{transformer: " + p.Suggest + ", style: fpe}"
		case "text", "hash", "city":
			return "{transformer: hash, normalize: false}"
		case "number":
			return "digits"
		}
	}
	return p.Suggest
}

// uniqueColumn reports whether a finding's column takes part in a unique key.
func uniqueColumn(schema *dbtwin.Schema, p PII) bool {
	t := schema.Table(p.Table)
	return t != nil && t.InUniqueKey(p.Column)
}

// tableRef writes a table's name as dbtwin.yaml references it (names holding
// dots or quotes in double quotes).
func tableRef(schema *dbtwin.Schema, name string) string {
	if t := schema.Table(name); t != nil {
		return config.TableRef(t)
	}
	return name
}

// textish kinds are the ones strict mode asks about.
func textish(k dbtwin.Kind) bool {
	return k == dbtwin.KindText || k == dbtwin.KindOther || k == dbtwin.KindArray || k == dbtwin.KindJSON
}

func writeKeep(ew *errWriter, res *Result, schema *dbtwin.Schema) {
	flagged := map[string]bool{}
	active := map[string]bool{}
	for _, p := range res.PII {
		flagged[p.Table+"."+p.Column] = true
		if activeRule(schema, p) {
			active[p.Table+"."+p.Column] = true
		}
	}
	// Integer and UUID columns of links are references, not personal data.
	refs := map[string]bool{}
	for _, r := range res.Relationships {
		if r.Declared || r.Level == LevelHigh {
			for _, c := range r.From.Columns {
				refs[r.From.Table+"."+c] = true
			}
			for _, c := range r.To.Columns {
				refs[r.To.Table+"."+c] = true
			}
		}
	}
	type entry struct{ ref, why string }
	var keep, other []entry
	for _, name := range schema.TableNames() {
		t := schema.Table(name)
		if t == nil || t.PartitionOf != "" {
			continue
		}
		for _, c := range t.Columns {
			key := name + "." + c.Name
			if c.Generated != "" || active[key] {
				continue
			}
			// Strict mode flags this column by its name: it needs a rule or
			// a keep: entry, and the scan found no rule to write.
			if cat, ok := ColumnCategory(t, c); ok {
				why := fmt.Sprintf("name suggests %s, but the sampled values do not: check, or mask it", cat)
				if cat == CatAddress && isBusinessTable(name) {
					why = "the address of a place or business (public, not a person's): mask it if people live there"
				}
				keep = append(keep, entry{config.ColumnRef(t, c.Name), why})
				continue
			}
			if flagged[key] {
				continue
			}
			switch {
			case textish(c.Kind):
				keep = append(keep, entry{ref: config.ColumnRef(t, c.Name)})
			case sampled(c) && !t.IsSurrogateKey(c.Name) && !refs[key]:
				other = append(other, entry{ref: config.ColumnRef(t, c.Name)})
			}
		}
	}
	ew.printf("\n# Text columns the scan judged free of personal data (strict mode copies them as they are).\n")
	ew.printf("# Columns with a low-confidence finding are left out: decide for them above.\n")
	if len(keep)+len(other) == 0 {
		ew.printf("keep: []\n")
		return
	}
	ew.printf("keep:\n")
	write := func(list []entry) {
		for _, k := range list {
			if k.why != "" {
				ew.printf("  - %s  # %s\n", yamlScalar(k.ref), oneLine(k.why))
				continue
			}
			ew.printf("  - %s\n", yamlScalar(k.ref))
		}
	}
	write(keep)
	if len(other) > 0 {
		ew.printf("  # Number, date and UUID columns the scan judged free of personal data (no phone number,\n")
		ew.printf("  # national ID or birth date in the sample): listed so strict mode need not sample them again.\n")
		write(other)
	}
}

func writeRelations(ew *errWriter, res *Result, schema *dbtwin.Schema) {
	var high, medium []Relationship
	for _, r := range res.Relationships {
		if r.Declared {
			continue
		}
		switch r.Level {
		case LevelHigh:
			high = append(high, r)
		case LevelMedium:
			medium = append(medium, r)
		}
	}
	ew.printf("\n# Links the database does not declare, found in the data. High confidence: active;\n")
	ew.printf("# medium: commented out, uncomment the ones you recognise.\n")
	if len(high) == 0 {
		ew.printf("relations: []\n")
	} else {
		ew.printf("relations:\n")
	}
	// A link to a unique target (a declared key, or distinct in the data) is
	// a reference: kind: fk, so a subset takes each child's parent only.
	// Links between shared values (the guest table's) stay kind: value.
	write := func(prefix string, r Relationship) {
		ew.printf("%s- from: %s  # %s\n", prefix, yamlScalar(configEndpoint(schema, r.From)), oneLine(relNote(r)))
		ew.printf("%s  to: %s\n", prefix, yamlScalar(configEndpoint(schema, r.To)))
		if r.Kind == "fk" {
			ew.printf("%s  kind: fk\n", prefix)
		}
	}
	for _, r := range high {
		write("  ", r)
	}
	for _, r := range medium {
		write("  # ", r)
	}
}

// configEndpoint writes "table(col, ...)" with names quoted where needed.
func configEndpoint(schema *dbtwin.Schema, e Endpoint) string {
	cols := make([]string, len(e.Columns))
	for i, c := range e.Columns {
		cols[i] = config.QuoteName(c)
	}
	return tableRef(schema, e.Table) + "(" + strings.Join(cols, ", ") + ")"
}

func relNote(r Relationship) string {
	return fmt.Sprintf("%s link, %s %.2f: %s", r.Kind, r.Level, r.Confidence, strings.Join(r.Evidence, "; "))
}

// subsetRoot picks the table most others hang from: incoming links, people
// in it, and size.
func subsetRoot(res *Result, schema *dbtwin.Schema) string {
	score := map[string]float64{}
	for _, r := range res.Relationships {
		if r.From.Table != r.To.Table && (r.Declared || r.Level == LevelHigh) {
			score[canonical(schema, r.To.Table)]++
		}
	}
	// Tables holding people's contact details or IDs are what subsets are
	// usually cut along (customers, users).
	person := map[string]bool{}
	for _, p := range res.PII {
		switch p.Category {
		case CatEmail, CatNationalID, CatPhone, CatUsername:
			person[p.Table] = true
		}
	}
	rows := map[string]int64{}
	for _, ts := range res.Tables {
		rows[ts.Table] = ts.Rows
	}
	best, bestScore := "", -1.0
	for _, name := range schema.TableNames() {
		t := schema.Table(name)
		if t == nil || t.PartitionOf != "" {
			continue
		}
		sc := math.Log2(1 + score[name]) // links in count, but a lookup every table points at is no root
		if person[name] {
			sc += 3
		}
		if n := max(rows[name], t.RowEstimate); n > 0 {
			sc += math.Log10(float64(n) + 1)
		}
		if sc > bestScore {
			best, bestScore = name, sc
		}
	}
	return best
}

func canonical(schema *dbtwin.Schema, name string) string {
	if t := schema.Table(name); t != nil {
		return t.QualifiedName()
	}
	return name
}

func writeSubset(ew *errWriter, res *Result, schema *dbtwin.Schema) {
	root := subsetRoot(res, schema)
	if root == "" {
		return
	}
	ew.printf("\n# Uncomment to copy a referentially complete subset instead of everything: rows of the\n")
	ew.printf("# root, every row they need (parents), and capped children. Tables no root reaches still\n")
	ew.printf("# get a sample.\n")
	ew.printf("# subset:\n")
	ew.printf("#   roots:\n")
	ew.printf("#     - {table: %s, percent: 10}\n", yamlScalar(tableRef(schema, root)))
	ew.printf("#   children: {max_per_parent: 100}\n")
	ew.printf("#   unreachable: {percent: 10}\n")
}

var plainYAML = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.$()-]*$`)

// yamlKey quotes a table or column name when YAML needs it.
func yamlKey(s string) string { return yamlScalar(s) }

// yamlScalar writes s plain when it is safe, double-quoted otherwise.
func yamlScalar(s string) string {
	if plainYAML.MatchString(s) && !yamlReserved[strings.ToLower(s)] {
		return s
	}
	return strconv.Quote(s)
}

var yamlReserved = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true,
	"off": true, "null": true, "y": true, "n": true, "~": true}

// oneLine keeps a comment on one line.
func oneLine(s string) string {
	s = strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
	return s
}
