// Package widegen generates a wide, realistic schema for evaluating scan and
// init: several hundred tables shaped like a large open-data catalogue
// (entities with lookup tables for their types and statuses, alias, tag and
// annotation tables, many-to-many link tables, self-references, an accounts
// table full of personal data, a guest-like table sharing e-mails with it,
// empty tables) with primary and unique keys declared but no foreign keys,
// and the truth: which links exist, which have data, which columns are
// personal. Deterministic for a seed, for PostgreSQL and SQLite alike.
package widegen

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
)

// Options size the schema.
type Options struct {
	// Entities is the number of entity tables (default 70, giving ~430
	// tables); every other table hangs off them.
	Entities int
	// Rows is the row count of an entity table (default 300); link, alias
	// and tag tables are sized from it.
	Rows int
	// Seed makes another, equally shaped, database.
	Seed int64
}

// Link is one true reference from Table(Column) to ToTable(ToColumn).
type Link struct {
	Table, Column, ToTable, ToColumn string
	// Kind is "fk" (the target is a key) or "value" (shared values).
	Kind string
	// Data is false when the referencing table is empty.
	Data bool
}

// String writes the link as "t(c)->u(d)".
func (l Link) String() string {
	return l.Table + "(" + l.Column + ")->" + l.ToTable + "(" + l.ToColumn + ")"
}

// Truth is what a perfect scan would report.
type Truth struct {
	Links []Link
	// PII maps "table.column" to its personal-data category.
	PII map[string]string
	// Tables is the number of tables; Rows the number of rows.
	Tables, Rows int
}

// Schema is a generated database: its SQL script and its truth.
type Schema struct {
	// SQL creates and fills every table; it runs as one script on
	// PostgreSQL (simple protocol) and SQLite.
	SQL   string
	Truth Truth
}

var nouns = strings.Fields(`area artist label release recording work place event series instrument
	genre track medium venue festival tour album song studio producer publisher catalog format
	edition chart award broadcast station program episode season channel playlist concert
	ticket stage sponsor collection exhibit gallery museum library archive manuscript score
	choir orchestra ensemble band lyric poem book chapter film scene character dataset script
	region district province territory campus building room device vehicle route`)

var words = strings.Fields(`blue river night gold silver echo stone light dream fire north south
	winter summer glass iron velvet paper ghost atlas lotus orbit prism delta harbor maple cedar
	coral ember falcon garden horizon island jasmine karma lunar meadow nova ocean pilot quartz
	raven sable tidal umber vortex willow zenith`)

type gen struct {
	r     *rand.Rand
	b     strings.Builder
	truth Truth
	rows  map[string]int // rows per table
}

func (g *gen) exec(format string, args ...any) {
	fmt.Fprintf(&g.b, format, args...)
	g.b.WriteString(";\n")
}

func (g *gen) link(table, col, to string, data bool) {
	g.truth.Links = append(g.truth.Links, Link{Table: table, Column: col, ToTable: to, ToColumn: "id", Kind: "fk", Data: data})
}

// insert writes rows in batches of multi-row VALUES.
func (g *gen) insert(table string, cols []string, rows [][]string) {
	g.rows[table] += len(rows)
	g.truth.Rows += len(rows)
	for i := 0; i < len(rows); i += 200 {
		end := min(len(rows), i+200)
		var vals []string
		for _, r := range rows[i:end] {
			vals = append(vals, "("+strings.Join(r, ", ")+")")
		}
		g.exec("INSERT INTO %s (%s) VALUES %s", table, strings.Join(cols, ", "), strings.Join(vals, ",\n"))
	}
}

func q(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
func n(i int) string    { return fmt.Sprint(i) }
func null() string      { return "NULL" }

func (g *gen) title() string {
	k := 1 + g.r.Intn(3)
	var ws []string
	for i := 0; i < k; i++ {
		w := words[g.r.Intn(len(words))]
		ws = append(ws, strings.ToUpper(w[:1])+w[1:])
	}
	return strings.Join(ws, " ")
}

func (g *gen) ts() string {
	return q(fmt.Sprintf("20%02d-%02d-%02d %02d:%02d:00", 10+g.r.Intn(15), 1+g.r.Intn(12), 1+g.r.Intn(28), g.r.Intn(24), g.r.Intn(60)))
}

func (g *gen) ref(to string, nullPct int) string {
	if g.r.Intn(100) < nullPct {
		return null()
	}
	return n(1 + g.r.Intn(g.rows[to]))
}

// lookup creates a small lookup table: id 1..k, a unique name, a child
// order and a description (the small dense integers that invite false links).
func (g *gen) lookup(name string, k int) {
	g.exec("CREATE TABLE %s (id integer PRIMARY KEY, name text NOT NULL UNIQUE, child_order integer NOT NULL, description text)", name)
	var rows [][]string
	for i := 1; i <= k; i++ {
		rows = append(rows, []string{n(i), q(fmt.Sprintf("%s %s %d", strings.ReplaceAll(name, "_", " "), words[i%len(words)], i)), n(g.r.Intn(k)), q("")})
	}
	g.insert(name, []string{"id", "name", "child_order", "description"}, rows)
}

// Generate builds the schema.
func Generate(o Options) *Schema {
	if o.Entities <= 0 {
		o.Entities = 70
	}
	if o.Entities > len(nouns) {
		o.Entities = len(nouns)
	}
	if o.Rows <= 0 {
		o.Rows = 300
	}
	g := &gen{r: rand.New(rand.NewSource(o.Seed + 17)), rows: map[string]int{}, truth: Truth{PII: map[string]string{}}}
	ents := nouns[:o.Entities]

	// Shared lookups.
	g.lookup("gender", 5)
	g.lookup("language", 40)
	g.lookup("link_type", 150)
	g.lookup("tag", 120)

	// Entities with their type and (some) status lookups. Entities come in
	// order, so references point at earlier ones (already filled).
	hasStatus := map[string]bool{}
	selfRef := map[string]string{}
	for i, e := range ents {
		g.lookup(e+"_type", 3+g.r.Intn(12))
		if i%3 == 0 {
			hasStatus[e] = true
			g.lookup(e+"_status", 3+g.r.Intn(5))
		}
		cols := []string{"id integer PRIMARY KEY", "name text NOT NULL", "comment text", "type integer",
			"begin_date_year integer", "begin_date_month integer", "begin_date_day integer",
			"edits_pending integer NOT NULL", "last_updated timestamp", "ended boolean"}
		if hasStatus[e] {
			cols = append(cols, "status integer")
		}
		if i%5 == 2 {
			selfRef[e] = []string{"parent", "parent_id", "replaced_by"}[g.r.Intn(3)]
			cols = append(cols, selfRef[e]+" integer")
		}
		if i%4 == 1 {
			cols = append(cols, "child_order integer", "position integer")
		}
		var refs []string
		if i > 0 {
			for k := 0; k < 1+g.r.Intn(3) && k < i; k++ {
				to := ents[g.r.Intn(i)]
				col := to
				if g.r.Intn(2) == 0 {
					col = to + "_id"
				}
				dup := false
				for _, r := range refs {
					dup = dup || r == col || strings.TrimSuffix(r, "_id") == to
				}
				if dup {
					continue
				}
				refs = append(refs, col)
				cols = append(cols, col+" integer")
			}
		}
		g.exec("CREATE TABLE %s (%s)", e, strings.Join(cols, ", "))
		count := o.Rows/2 + g.r.Intn(o.Rows)
		g.rows[e] = 0
		var rows [][]string
		for id := 1; id <= count; id++ {
			row := []string{n(id), q(g.title()), q(""), g.ref(e+"_type", 20),
				n(1900 + g.r.Intn(120)), n(1 + g.r.Intn(12)), n(1 + g.r.Intn(28)),
				n([]int{0, 0, 0, 0, 1, 2}[g.r.Intn(6)]), g.ts(), []string{"true", "false"}[g.r.Intn(2)]}
			if hasStatus[e] {
				row = append(row, g.ref(e+"_status", 10))
			}
			if _, ok := selfRef[e]; ok {
				if id > 5 && g.r.Intn(10) < 4 {
					row = append(row, n(1+g.r.Intn(id-1)))
				} else {
					row = append(row, null())
				}
			}
			if i%4 == 1 {
				row = append(row, n(g.r.Intn(8)), n(1+g.r.Intn(10)))
			}
			for _, c := range refs {
				row = append(row, g.ref(strings.TrimSuffix(c, "_id"), 15))
			}
			rows = append(rows, row)
		}
		names := []string{"id", "name", "comment", "type", "begin_date_year", "begin_date_month", "begin_date_day",
			"edits_pending", "last_updated", "ended"}
		if hasStatus[e] {
			names = append(names, "status")
		}
		if c, ok := selfRef[e]; ok {
			names = append(names, c)
		}
		if i%4 == 1 {
			names = append(names, "child_order", "position")
		}
		names = append(names, refs...)
		g.insert(e, names, rows)
		g.link(e, "type", e+"_type", true)
		if hasStatus[e] {
			g.link(e, "status", e+"_status", true)
		}
		if c, ok := selfRef[e]; ok {
			g.link(e, c, e, true)
		}
		for _, c := range refs {
			g.link(e, c, strings.TrimSuffix(c, "_id"), true)
		}
	}

	// The accounts table and what hangs off it.
	g.accounts(ents)

	// Aliases (with their own type lookups), tags, annotations.
	for i, e := range ents {
		if i%10 < 7 {
			at := e + "_alias_type"
			g.lookup(at, 2+g.r.Intn(4))
			t := e + "_alias"
			g.exec("CREATE TABLE %s (id integer PRIMARY KEY, %s integer NOT NULL, name text NOT NULL, locale text, type integer, sort_name text, "+
				"begin_date_year integer, edits_pending integer NOT NULL, primary_for_locale boolean NOT NULL, last_updated timestamp)", t, e)
			var rows [][]string
			for id := 1; id <= o.Rows*2/3; id++ {
				rows = append(rows, []string{n(id), g.ref(e, 0), q(g.title()), q([]string{"en", "de", "fr", "ja", "es"}[g.r.Intn(5)]),
					g.ref(at, 30), q(g.title()), n(1950 + g.r.Intn(70)), n(g.r.Intn(2)), "false", g.ts()})
			}
			g.insert(t, []string{"id", e, "name", "locale", "type", "sort_name", "begin_date_year", "edits_pending", "primary_for_locale", "last_updated"}, rows)
			g.link(t, e, e, true)
			g.link(t, "type", at, true)
		}
		if i%10 < 4 {
			t := e + "_tag"
			g.exec("CREATE TABLE %s (%s integer NOT NULL, tag integer NOT NULL, count integer NOT NULL, last_updated timestamp, PRIMARY KEY (%s, tag))", t, e, e)
			seen := map[[2]int]bool{}
			var rows [][]string
			for len(rows) < o.Rows*2/3 {
				a, b := 1+g.r.Intn(g.rows[e]), 1+g.r.Intn(g.rows["tag"])
				if seen[[2]int{a, b}] {
					continue
				}
				seen[[2]int{a, b}] = true
				rows = append(rows, []string{n(a), n(b), n(1 + g.r.Intn(20)), g.ts()})
			}
			g.insert(t, []string{e, "tag", "count", "last_updated"}, rows)
			g.link(t, e, e, true)
			g.link(t, "tag", "tag", true)
		}
		if i%10 == 5 || i%10 == 8 {
			t := e + "_annotation"
			g.exec("CREATE TABLE %s (id integer PRIMARY KEY, %s integer NOT NULL, editor integer NOT NULL, text text, changelog text, created timestamp)", t, e)
			var rows [][]string
			for id := 1; id <= o.Rows/3; id++ {
				rows = append(rows, []string{n(id), g.ref(e, 0), g.ref("editor", 0),
					q("Some notes about the " + strings.ToLower(g.title()) + " entry and its history."), q("fixed " + e), g.ts()})
			}
			g.insert(t, []string{"id", e, "editor", "text", "changelog", "created"}, rows)
			g.link(t, e, e, true)
			g.link(t, "editor", "editor", true)
		}
		if i%10 == 9 || i%10 == 6 {
			// Empty tables: a link here has no data to back it.
			t := e + "_meta"
			g.exec("CREATE TABLE %s (id integer PRIMARY KEY, %s integer, rating integer, rating_count integer)", t, e)
			g.rows[t] = 0
			g.link(t, e, e, false)
		}
	}

	// Many-to-many link tables between entities.
	pairs := 0
	for a := 0; a < len(ents) && pairs < o.Entities*13/10; a++ {
		for _, d := range []int{1, 3, 7} {
			b := a + d
			if b >= len(ents) || pairs >= o.Entities*13/10 {
				continue
			}
			ea, eb := ents[a], ents[b]
			t := "l_" + ea + "_" + eb
			ca, cb := ea, eb
			switch pairs % 4 {
			case 0:
				ca, cb = ea+"_id", eb+"_id"
			case 1:
				// The open-data catalogue's own style: the link table's name
				// says what entity0 and entity1 point at.
				ca, cb = "entity0", "entity1"
			}
			g.exec("CREATE TABLE %s (id integer PRIMARY KEY, %s integer NOT NULL, %s integer NOT NULL, link_type integer NOT NULL, "+
				"link_order integer NOT NULL, edits_pending integer NOT NULL, last_updated timestamp)", t, ca, cb)
			var rows [][]string
			for id := 1; id <= o.Rows*2/3; id++ {
				rows = append(rows, []string{n(id), g.ref(ea, 0), g.ref(eb, 0), g.ref("link_type", 0), n(g.r.Intn(4)), n(g.r.Intn(2)), g.ts()})
			}
			g.insert(t, []string{"id", ca, cb, "link_type", "link_order", "edits_pending", "last_updated"}, rows)
			g.link(t, ca, ea, true)
			g.link(t, cb, eb, true)
			g.link(t, "link_type", "link_type", true)
			pairs++
		}
	}
	g.truth.Tables = len(g.rows)
	for _, l := range g.truth.Links {
		if l.Data && g.rows[l.Table] == 0 {
			panic("widegen: link from an empty table marked as data-backed: " + l.String())
		}
	}
	sort.Slice(g.truth.Links, func(i, j int) bool { return g.truth.Links[i].String() < g.truth.Links[j].String() })
	return &Schema{SQL: g.b.String(), Truth: g.truth}
}
