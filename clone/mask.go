package clone

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/mask"
	"github.com/dbtwin/dbtwin/scan"
)

// colRef names one column of one table.
type colRef struct{ table, column string }

// ruleAt is a column's masking rule and where it came from.
type ruleAt struct {
	spec mask.Spec
	pos  config.Pos
	// via explains a rule applied automatically (it references a masked key).
	via string
}

// Masking is the resolved masking of a whole schema: every column's rule,
// including rules propagated along foreign keys and configured relations.
type Masking struct {
	rules  map[colRef]ruleAt
	engine string
	// Unmasked lists columns whose names say they hold personal data but
	// that have no rule and are not kept.
	Unmasked []string
}

// Rule returns the rule of table.column, if any.
func (m *Masking) Rule(table, column string) (mask.Spec, bool) {
	r, ok := m.rules[colRef{table, column}]
	return r.spec, ok
}

// Columns returns the masked columns of a table, sorted.
func (m *Masking) Columns(table string) []string {
	var out []string
	for k := range m.rules {
		if k.table == table {
			out = append(out, k.column)
		}
	}
	sort.Strings(out)
	return out
}

// Len is the number of masked columns.
func (m *Masking) Len() int { return len(m.rules) }

// ResolveMasking reads the config's mask rules against the schema and
// propagates each rule to every column linked to it: a column referencing a
// masked key (foreign keys, declared or configured), a key referenced by a
// masked column, a column sharing values through a configured relation, and
// the partitions of a partitioned table. Linked columns must be masked
// identically or the references would break; conflicting rules are errors.
func ResolveMasking(schema *dbtwin.Schema, cfg *config.Config) (*Masking, error) {
	m := &Masking{rules: map[colRef]ruleAt{}, engine: schema.Engine}
	var errs config.Errors
	for _, tm := range cfg.Mask {
		t := schema.Table(tm.Table)
		if t == nil {
			continue // Validate reported it
		}
		for _, cr := range tm.Columns {
			m.rules[colRef{t.QualifiedName(), cr.Column}] = ruleAt{
				spec: mask.Spec{Transformer: cr.Rule.Transformer, Params: cr.Rule.Params, When: cr.Rule.When},
				pos:  cr.Pos,
			}
		}
	}
	links := linkedColumns(schema, cfg)
	for changed := true; changed; {
		changed = false
		for _, l := range links {
			for _, dir := range [][2]colRef{{l.a, l.b}, {l.b, l.a}} {
				from, to := dir[0], dir[1]
				r, ok := m.rules[from]
				if !ok {
					continue
				}
				if have, ok := m.rules[to]; ok {
					if specKey(have.spec) != specKey(r.spec) && have.via == "" && r.via == "" {
						errs = append(errs, config.Errorf(have.pos,
							"%s.%s and %s.%s are linked (%s) but masked differently: give both the same rule, or equal values would stop matching",
							to.table, to.column, from.table, from.column, l.why))
					}
					continue
				}
				m.rules[to] = ruleAt{spec: r.spec, pos: r.pos, via: fmt.Sprintf("%s (linked to %s.%s)", l.why, from.table, from.column)}
				changed = true
			}
		}
	}
	for _, t := range schema.Tables {
		for _, c := range t.Columns {
			if c.Generated != "" {
				continue
			}
			if _, ok := m.rules[colRef{t.QualifiedName(), c.Name}]; ok || cfg.Kept(schema, t.QualifiedName(), c.Name) {
				continue
			}
			if cat, ok := scan.ColumnCategory(t, c); ok {
				m.Unmasked = append(m.Unmasked, fmt.Sprintf("%s (%s)", config.ColumnRef(t, c.Name), cat))
			}
		}
	}
	sort.Strings(m.Unmasked)
	if len(errs) > 0 {
		return nil, errs
	}
	if err := m.checkTypes(schema); err != nil {
		return nil, err
	}
	return m, nil
}

// strictSample is the row budget per table of strict mode's data scan: the
// same as `dbtwin init`'s scan, so both judge a column from the same rows.
const strictSample = scan.DefaultSample

// DetectInData samples the source (in the clone's snapshot) for personal data
// the column names do not reveal, and adds unmasked, unkept findings to
// Unmasked.
func (m *Masking) DetectInData(ctx context.Context, snap dbtwin.Snapshot, schema *dbtwin.Schema, cfg *config.Config) error {
	// Only the columns the config has not decided on are read: no rule, not
	// kept, not a key or reference. `dbtwin init` decides on every column,
	// so its config costs no reading at all.
	refs := map[colRef]bool{}
	for _, r := range cfg.ResolvedRelations(schema) {
		for _, c := range r.FromColumns {
			refs[colRef{r.FromTable, c}] = true
		}
		for _, c := range r.ToColumns {
			refs[colRef{r.ToTable, c}] = true
		}
	}
	kept := cfg.Resolved(schema)
	undecided := func(t *dbtwin.Table, c *dbtwin.Column) bool {
		ref := colRef{t.QualifiedName(), c.Name}
		if _, ok := m.rules[ref]; ok || kept.Kept(ref.table, ref.column) || t.IsSurrogateKey(c.Name) {
			return false
		}
		return !(refs[ref] && (c.Kind == dbtwin.KindInt || c.Kind == dbtwin.KindUUID))
	}
	res, err := scan.Run(ctx, snap, scan.Options{Sample: strictSample, SkipRelationships: true, Columns: undecided})
	if err != nil {
		return fmt.Errorf("strict mode: sample the source for personal data: %w", err)
	}
	seen := map[string]bool{}
	for _, u := range m.Unmasked {
		seen[strings.SplitN(u, " ", 2)[0]] = true
	}
	for _, f := range scan.Sensitive(res) {
		ref := f.Table + "." + f.Column
		if t := schema.Table(f.Table); t != nil {
			ref = config.ColumnRef(t, f.Column) // as keep: takes it
		}
		if seen[ref] {
			continue
		}
		if _, ok := m.rules[colRef{f.Table, f.Column}]; ok || cfg.Kept(schema, f.Table, f.Column) {
			continue
		}
		if t := schema.Table(f.Table); t != nil {
			if c := t.Column(f.Column); c != nil && t.IsSurrogateKey(c.Name) {
				continue
			}
		}
		seen[ref] = true
		m.Unmasked = append(m.Unmasked, fmt.Sprintf("%s (%s, found in the data)", ref, f.Category))
	}
	sort.Strings(m.Unmasked)
	return nil
}

type link struct {
	a, b colRef
	why  string
}

func linkedColumns(schema *dbtwin.Schema, cfg *config.Config) []link {
	var out []link
	rels := append(schema.Relations(), cfg.ResolvedRelations(schema)...)
	for _, r := range rels {
		why := "foreign key"
		if !r.Declared {
			why = "relation in the config"
		}
		for i := range r.FromColumns {
			if i < len(r.ToColumns) {
				out = append(out, link{a: colRef{r.FromTable, r.FromColumns[i]}, b: colRef{r.ToTable, r.ToColumns[i]}, why: why})
			}
		}
	}
	for _, t := range schema.Tables {
		if t.PartitionOf == "" {
			continue
		}
		for _, c := range t.Columns {
			out = append(out, link{a: colRef{t.PartitionOf, c.Name}, b: colRef{t.QualifiedName(), c.Name}, why: "partition"})
		}
	}
	return out
}

func specKey(s mask.Spec) string {
	b, _ := json.Marshal(s.Params) // map keys are sorted
	return s.Transformer + "|" + string(b) + "|" + s.When
}

// applyMasking builds the per-table transforms from the config's mask rules.
func applyMasking(ctx context.Context, snap dbtwin.Snapshot, schema *dbtwin.Schema, cfg *config.Config, opt Options, p *jobPlan) error {
	m, err := ResolveMasking(schema, cfg)
	if err != nil {
		return err
	}
	p.masking = m
	// Every rule is built (checked against its column) before anything else,
	// so a config mistake is reported first. Without a key the rules are
	// checked with a throwaway one and the missing key is reported after
	// strict mode; no data moves either way.
	var keyErr error
	if m.Len() > 0 {
		masker, err := newMasker(opt)
		if err != nil {
			keyErr, masker = err, mask.NewRandom()
		}
		if err := buildMaskers(masker, m, p); err != nil {
			return err
		}
	}
	strict := cfg.StrictEnabled()
	if opt.Strict != nil {
		strict = *opt.Strict
	}
	if strict {
		if err := m.DetectInData(ctx, snap, schema, cfg); err != nil {
			return err
		}
	}
	if len(m.Unmasked) > 0 {
		if strict {
			return fmt.Errorf("%w: strict mode: %d column(s) look like personal data but have no masking rule and are not under keep:\n  %s\n"+
				"Mask them (mask: in dbtwin.yaml), list them under keep: if they are not sensitive, run `dbtwin init --source URL` to write a starter config, "+
				"or pass --strict=false to copy them as they are", dbtwin.ErrUsage, len(m.Unmasked), strings.Join(m.Unmasked, "\n  "))
		}
		p.warnings = append(p.warnings, fmt.Sprintf("strict mode is off: %d column(s) that look personal are copied unmasked: %s",
			len(m.Unmasked), strings.Join(m.Unmasked, ", ")))
	} else if !strict {
		p.warnings = append(p.warnings, "strict mode is off")
	}
	return keyErr
}

// buildMaskers builds each job's table masker and installs it as the job's
// transform.
func buildMaskers(masker *mask.Masker, m *Masking, p *jobPlan) error {
	for i := range p.jobs {
		j := &p.jobs[i]
		qn := j.Table.QualifiedName()
		rules := map[string]mask.Spec{}
		for _, col := range j.Columns {
			if r, ok := m.rules[colRef{qn, col}]; ok {
				rules[col] = r.spec
			}
		}
		if len(rules) == 0 {
			continue
		}
		tm, err := masker.Table(j.Columns, rules, mask.InfoFor(j.Table))
		if err != nil {
			return ruleError(m, qn, err)
		}
		j.Transform = tm.Apply
		p.masked[qn] = tm.Masked()
		p.rules[qn] = ruleLabels(rules)
		p.maskedColumns += len(tm.Masked())
	}
	return nil
}

// valueFreeTransformers write no value derived from the original (or keep
// it): they fit any column whose type accepts their literal.
var valueFreeTransformers = map[string]bool{"null": true, "constant": true, "keep": true}

// checkTypes refuses, before any data moves, a rule whose output cannot be
// a value of its PostgreSQL column's type: ranges, xml, bit strings,
// hstore, geometric and full-text types and the other types outside the
// text, number, date, JSON and UUID families parse their input, and the
// transformers write text, digits or dates. (hstore keys and NULLs, range
// bounds, bit strings would be mangled or refused mid-load.) Those columns
// take null, constant or keep; inet and cidr also take ip.
func (m *Masking) checkTypes(schema *dbtwin.Schema) error {
	if m.engine != "postgres" {
		return nil
	}
	var errs config.Errors
	for ref, r := range m.rules {
		t, col, spec := schema.Table(ref.table), ref.column, r.spec
		if t == nil {
			continue
		}
		c := t.Column(col)
		if c == nil || c.Kind != dbtwin.KindOther || valueFreeTransformers[spec.Transformer] {
			continue
		}
		base := strings.ToLower(c.Type)
		if spec.Transformer == "ip" && (strings.HasPrefix(base, "inet") || strings.HasPrefix(base, "cidr")) {
			continue
		}
		msg := fmt.Sprintf("rule %s cannot mask %s.%s: its type %s parses its values and the rule's output would not be one "+
			"(it would fail in the middle of the load or change the value's structure); use null, constant (a valid %s literal) or keep, "+
			"or remove the rule", spec.Transformer, t.QualifiedName(), col, c.Type, c.Type)
		if r.via != "" {
			msg += " (rule applied through a " + r.via + ")"
		}
		errs = append(errs, config.Errorf(r.pos, "%s", msg))
	}
	if len(errs) == 0 {
		return nil
	}
	sort.Slice(errs, func(i, j int) bool {
		if errs[i].Pos.Line != errs[j].Pos.Line {
			return errs[i].Pos.Line < errs[j].Pos.Line
		}
		return errs[i].Msg < errs[j].Msg
	})
	return errs
}

// ruleError attaches the config position of the rule the error is about:
// the mask package names it "table.column"; the longest name that matches
// wins, so "first_name" is not mistaken for "name".
func ruleError(m *Masking, table string, err error) error {
	msg := err.Error()
	var best colRef
	found := false
	for ref := range m.rules {
		if ref.table == table && strings.Contains(msg, table+"."+ref.column) &&
			(!found || len(ref.column) > len(best.column) || len(ref.column) == len(best.column) && ref.column < best.column) {
			best, found = ref, true
		}
	}
	if !found {
		return fmt.Errorf("%w: %s: %v", dbtwin.ErrUsage, table, err)
	}
	r := m.rules[best]
	if r.via != "" {
		msg += " (rule applied to " + best.table + "." + best.column + " through a " + r.via + ")"
	}
	return config.Errorf(r.pos, "%s", msg)
}

func newMasker(opt Options) (*mask.Masker, error) {
	if opt.Random {
		return mask.NewRandom(), nil
	}
	if len(opt.Secret) == 0 {
		return nil, fmt.Errorf("%w: masking needs a key so that equal values mask equally across tables and runs: "+
			"set DBTWIN_SECRET (e.g. export DBTWIN_SECRET=$(head -c32 /dev/urandom | base64)) or pass --secret-file FILE; "+
			"or pass --random for output that differs on every run", dbtwin.ErrUsage)
	}
	m, err := mask.New(opt.Secret)
	if err != nil {
		return nil, fmt.Errorf("%w: DBTWIN_SECRET: %v", dbtwin.ErrUsage, err)
	}
	return m, nil
}

// ruleLabels names each column's rule as a report shows it: the transformer
// and its style when one is set ("last_name (style fake)").
func ruleLabels(rules map[string]mask.Spec) map[string]string {
	out := make(map[string]string, len(rules))
	for col, spec := range rules {
		label := spec.Transformer
		if style, ok := spec.Params["style"].(string); ok {
			label += " (style " + style + ")"
		}
		out[col] = label
	}
	return out
}
