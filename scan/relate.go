package scan

import (
	"hash/fnv"
	"sort"
	"strconv"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// keyCol is a sampled column that may take part in a link: as a child
// (pointing at another table) or a parent (a unique key pointed at).
type keyCol struct {
	ts     *tableSample
	col    *dbtwin.Column
	family string // "int", "text" or "uuid"
	// vals are the distinct sampled values, normalised.
	vals    map[string]struct{}
	nonNull int
	// ints: min and max of the values, for the int family.
	min, max int64
	// unique is a declared single-column unique key (so indexed).
	unique bool
	// selfKey is the table's own identity: its single-column primary key.
	selfKey bool
	// pii is the personal-data category found for the column, if any.
	pii string
	// colStems and tableStems cache the stemmed words of the column's and
	// its table's names; norm is colStems joined.
	colStems, tblStems []string
	norm               string
	// probe caches sample's answer.
	probe []string
}

func (k *keyCol) table() *dbtwin.Table { return k.ts.t }
func (k *keyCol) name() string         { return k.ts.t.QualifiedName() + "." + k.col.Name }

// highDistinct: every sampled value differs, enough of them to mean it.
func (k *keyCol) highDistinct() bool {
	return k.nonNull >= 20 && len(k.vals) == k.nonNull && (k.ts.full || k.nonNull >= 200)
}

// distinctRatio is the share of distinct values among sampled non-null ones.
func (k *keyCol) distinctRatio() float64 {
	if k.nonNull == 0 {
		return 0
	}
	return float64(len(k.vals)) / float64(k.nonNull)
}

// familyOf gives the key family of a column kind, or "".
func familyOf(c *dbtwin.Column) string {
	switch c.Kind {
	case dbtwin.KindInt, dbtwin.KindNumeric:
		return "int"
	case dbtwin.KindText:
		return "text"
	case dbtwin.KindUUID:
		return "uuid"
	}
	return ""
}

// normValue puts a value in the form used to compare across tables:
// integers canonical, fixed-width text without padding, UUIDs lower-case.
func normValue(family, v string) (string, bool) {
	switch family {
	case "int":
		v = strings.TrimSpace(v)
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return strconv.FormatInt(n, 10), true
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil && f == float64(int64(f)) && f > -9e18 && f < 9e18 {
			return strconv.FormatInt(int64(f), 10), true
		}
		return "", false
	case "uuid":
		return strings.ToLower(strings.TrimSpace(v)), true
	}
	return strings.TrimRight(v, " "), true
}

// newKeyCol builds the key view of a sampled column, or nil when the column
// cannot be a key or reference (wrong kind, long text, non-integers).
func newKeyCol(ts *tableSample, i int) *keyCol {
	c := ts.cols[i]
	fam := familyOf(c)
	if fam == "" {
		return nil
	}
	if c.Kind == dbtwin.KindNumeric && c.Scale > 0 {
		return nil
	}
	k := &keyCol{ts: ts, col: c, family: fam, vals: map[string]struct{}{}, nonNull: len(ts.values[i])}
	total := 0
	first := true
	for _, v := range ts.values[i] {
		total += len(v)
		n, ok := normValue(fam, v)
		if !ok {
			return nil // a numeric column with fractions is no key
		}
		if fam == "text" && len(n) > 200 {
			return nil
		}
		k.vals[n] = struct{}{}
		if fam == "int" {
			x, _ := strconv.ParseInt(n, 10, 64)
			if first || x < k.min {
				k.min = x
			}
			if first || x > k.max {
				k.max = x
			}
			first = false
		}
	}
	if fam == "text" && k.nonNull > 0 && total/k.nonNull > 64 {
		return nil // prose, not keys
	}
	t := ts.t
	k.colStems, k.tblStems = stems(c.Name), stems(t.Name)
	k.norm = strings.Join(k.colStems, "")
	k.unique = t.IsUnique(c.Name)
	if t.PrimaryKey != nil && len(t.PrimaryKey.Columns) == 1 && t.PrimaryKey.Columns[0] == c.Name {
		k.selfKey = true
	}
	return k
}

// sample returns up to n distinct values, chosen by hash so the choice is
// uniform over distinct values and the same in every run.
func (k *keyCol) sample(n int) []string {
	if k.probe != nil && (len(k.probe) == n || len(k.probe) == len(k.vals)) {
		return k.probe
	}
	type hv struct {
		h uint64
		v string
	}
	all := make([]hv, 0, len(k.vals))
	for v := range k.vals {
		f := fnv.New64a()
		f.Write([]byte(v))
		all = append(all, hv{f.Sum64(), v})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].h < all[j].h || (all[i].h == all[j].h && all[i].v < all[j].v) })
	if len(all) > n {
		all = all[:n]
	}
	out := make([]string, len(all))
	for i, x := range all {
		out[i] = x.v
	}
	k.probe = out
	return out
}

// idSuffixes end a column that refers to something ("customer_id", "country_code").
var idSuffixes = map[string]bool{"id": true, "key": true, "code": true, "no": true, "nr": true, "num": true,
	"number": true, "ref": true, "fk": true, "uuid": true, "guid": true, "sk": true, "iso": true}

// genericNames say nothing about what a column refers to.
var genericNames = map[string]bool{"id": true, "uuid": true, "guid": true, "key": true, "code": true,
	"name": true, "type": true, "status": true, "value": true, "number": true, "no": true, "num": true,
	"nr": true, "ref": true, "kind": true, "title": true, "description": true, "label": true,
	"created": true, "updated": true, "date": true, "version": true, "position": true, "sort": true,
	"order": true, "rank": true, "level": true, "state": true, "flag": true, "active": true,
	"amount": true, "price": true, "quantity": true, "total": true, "count": true, "year": true,
	"lastupdate": true, "createdat": true, "updatedat": true, "note": true, "comment": true}

// selfRoles point at another row of the same table ("reports_to", "parent_id").
var selfRoles = map[string]bool{"parent": true, "manager": true, "report": true, "supervisor": true,
	"boss": true, "superior": true, "mentor": true, "referrer": true, "sponsor": true, "predecessor": true,
	"successor": true, "previou": true, "replaced": true, "master": true, "head": true, "lead": true}

// workRoles name a person by their job ("support_rep_id", "sales_agent"):
// they point at a table of employees or users.
var workRoles = map[string]bool{"rep": true, "representative": true, "agent": true, "salesperson": true,
	"salesman": true, "seller": true, "clerk": true, "cashier": true, "employee": true, "staff": true,
	"manager": true, "supervisor": true, "assignee": true, "owner": true, "author": true,
	"creator": true, "approver": true, "reviewer": true, "editor": true, "handler": true,
	"operator": true, "created": true, "updated": true, "modified": true, "advisor": true,
	"consultant": true, "technician": true, "driver": true, "courier": true, "account": true}

// workTables are tables of people who do the work; userTables of people in general.
var workTables = map[string]bool{"employee": true, "staff": true, "worker": true, "agent": true,
	"rep": true, "representative": true, "salesperson": true, "personnel": true, "mitarbeiter": true}
var userTables = map[string]bool{"user": true, "person": true, "member": true, "account": true,
	"people": true, "login": true}

// tableStems are the words of a table's own name (schema left out).
func tableStems(t *dbtwin.Table) []string { return stems(t.Name) }

func hasSuffixSeq(s, suf []string) bool {
	if len(suf) == 0 || len(suf) > len(s) {
		return false
	}
	for i := range suf {
		if s[len(s)-len(suf)+i] != suf[i] {
			return false
		}
	}
	return true
}

func equalSeq(a, b []string) bool { return len(a) == len(b) && hasSuffixSeq(a, b) }

// nameSim scores how well a child column's name points at a parent column
// (0 none .. 1 certain) and says why, for evidence.
func nameSim(child, parent *keyCol) (float64, string) {
	pn := parent.col.Name
	ct, pt, tt := child.colStems, parent.colStems, parent.tblStems
	tj := strings.Join(tt, "")
	same := parent.table() == child.table()
	if len(ct) == 0 || len(pt) == 0 || len(tt) == 0 {
		return 0, ""
	}
	cj, pj := strings.Join(ct, ""), strings.Join(pt, "")
	if cj == pj {
		if genericNames[cj] {
			return 0, ""
		}
		if strings.HasPrefix(pj, tj) {
			return 1, "same name as the key of " + parent.table().Name
		}
		if parent.selfKey {
			return 0.9, "same name as the primary key of " + parent.table().Name
		}
		return 0.8, "same column name"
	}
	base, suffix := ct, ""
	if last := ct[len(ct)-1]; idSuffixes[last] && len(ct) > 1 {
		base, suffix = ct[:len(ct)-1], last
	}
	// A lookup named after the child's own table: "type" in artist ->
	// artist_type(id), "status_id" in release -> release_status(id).
	if !same && (parent.selfKey || pj == "id") && len(tt) == len(child.tblStems)+len(base) &&
		hasSuffixSeq(tt, base) && equalSeq(tt[:len(child.tblStems)], child.tblStems) {
		return 0.95, "'" + child.col.Name + "' of " + child.table().Name + " names the lookup table " + parent.table().Name
	}
	// "country" -> country_area(area): the table's name is the column's
	// name followed by its key's.
	if !same && (parent.unique || parent.selfKey) && len(tt) == len(ct)+len(pt) &&
		equalSeq(tt[:len(ct)], ct) && equalSeq(tt[len(ct):], pt) && !genericNames[cj] {
		return 0.85, "'" + child.col.Name + "' and the key " + pn + " make up the name of " + parent.table().Name
	}
	// A link table's generic ends: "entity0"/"entity1", "source"/"target"
	// in l_artist_recording point at the tables its name lists, in order.
	if pos, ok := endPosition(ct); ok && !same && (parent.selfKey || pj == "id") {
		if at := indexSeq(child.tblStems, tt); at >= 1 || (at == 0 && pos == 1) {
			follows := at+len(tt) < len(child.tblStems)
			if (pos == 0 && follows) || (pos == 1 && !follows && at >= 1) {
				return 0.85, "'" + child.col.Name + "' is an end of the link table " + child.table().Name + ", whose name lists " + parent.table().Name
			}
		}
	}
	// "country_code" -> country(code), "customer_id" -> customers(id),
	// "manager_staff_id" -> staff(staff_id).
	if hasSuffixSeq(base, tt) {
		pointsAtKey := pj == "id" || (suffix != "" && (pj == suffix || pj == tj+suffix || pj == tj+"id")) ||
			(suffix == "" && (pj == tj+"id" || pj == "id"))
		if pointsAtKey {
			if len(base) == len(tt) {
				return 0.95, "name is " + parent.table().Name + " + " + pn
			}
			return 0.9, "name ends with " + parent.table().Name + " + key"
		}
	}
	parentIsKey := parent.selfKey || parent.unique
	if !parentIsKey {
		return 0, ""
	}
	for _, w := range ct {
		if same && selfRoles[w] && parent.selfKey {
			return 0.75, "'" + w + "' points at the same table"
		}
	}
	if !same || !parent.selfKey {
		for _, w := range ct {
			if !workRoles[w] {
				continue
			}
			for _, x := range tt {
				if workTables[x] {
					return 0.65, "'" + w + "' names a role held by " + parent.table().Name
				}
				if userTables[x] {
					return 0.55, "'" + w + "' names a role held by " + parent.table().Name
				}
			}
		}
	}
	// "ship_via" -> shippers: a word of the child is a stem of the table's name.
	head := tt[len(tt)-1]
	for _, w := range base {
		if len(w) < 4 || genericNames[w] {
			continue
		}
		if w == head {
			// "booking_ref" -> tbl_booking: the name ends with the table's noun.
			if base[len(base)-1] == head {
				return 0.7, "'" + w + "' names " + parent.table().Name
			}
			continue
		}
		short, long := w, head
		if len(short) > len(long) {
			short, long = long, short
		}
		if strings.HasPrefix(long, short) && 2*len(short) >= len(long) {
			return 0.6, "'" + w + "' resembles " + parent.table().Name
		}
	}
	return 0, ""
}

// linkEnds name the two ends of a link table's row, first and second.
var linkEnds = map[string]int{"entity0": 0, "entity1": 1, "source": 0, "target": 1, "src": 0, "dst": 1,
	"from": 0, "to": 1, "left": 0, "right": 1, "first": 0, "second": 1}

// endPosition says which end of a link a column names ("entity0" -> 0).
func endPosition(ct []string) (int, bool) {
	name := strings.Join(ct, "")
	if len(ct) > 1 && idSuffixes[ct[len(ct)-1]] {
		name = strings.Join(ct[:len(ct)-1], "")
	}
	p, ok := linkEnds[name]
	return p, ok
}

// indexSeq returns where sub first occurs in s as consecutive words, or -1.
func indexSeq(s, sub []string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if equalSeq(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
