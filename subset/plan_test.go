package subset

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
)

// tbl builds a table: cols are "name" or "name?" (nullable); the first
// column is the primary key unless pk is empty.
func tbl(name string, pk string, cols ...string) *dbtwin.Table {
	t := &dbtwin.Table{Schema: "public", Name: name, RowEstimate: -1}
	for _, c := range cols {
		null := strings.HasSuffix(c, "?")
		c = strings.TrimSuffix(c, "?")
		t.Columns = append(t.Columns, &dbtwin.Column{Name: c, Type: "integer", Kind: dbtwin.KindInt, Nullable: null})
	}
	if pk != "" {
		t.PrimaryKey = &dbtwin.Key{Name: name + "_pkey", Columns: strings.Split(pk, ","), Primary: true, Constraint: true}
	}
	return t
}

func fk(t *dbtwin.Table, name, cols, ref, refCols string) {
	t.ForeignKeys = append(t.ForeignKeys, &dbtwin.ForeignKey{Name: name, Columns: strings.Split(cols, ","),
		RefTable: ref, RefColumns: strings.Split(refCols, ",")})
}

// shopSchema: users <- orders <- items; items -> products; two cycles
// sharing staff (staff <-> store, staff <-> team), a self-reference on
// category, an unreachable audit table.
func shopSchema() *dbtwin.Schema {
	users := tbl("users", "id", "id", "national_id", "store_id?")
	orders := tbl("orders", "id", "id", "user_id")
	items := tbl("items", "id", "id", "order_id", "product_id")
	products := tbl("products", "id", "id", "category_id?")
	category := tbl("category", "id", "id", "parent_id?")
	store := tbl("store", "id", "id", "manager_id?")
	staff := tbl("staff", "id", "id", "store_id?", "team_id?")
	team := tbl("team", "id", "id", "lead_id?")
	audit := tbl("audit", "", "at", "what")
	guests := tbl("guest_purchases", "id", "id", "national_id")
	fk(orders, "orders_user_id_fkey", "user_id", "public.users", "id")
	fk(items, "items_order_id_fkey", "order_id", "public.orders", "id")
	fk(items, "items_product_id_fkey", "product_id", "public.products", "id")
	fk(products, "products_category_id_fkey", "category_id", "public.category", "id")
	fk(category, "category_parent_id_fkey", "parent_id", "public.category", "id")
	fk(users, "users_store_id_fkey", "store_id", "public.store", "id")
	fk(store, "store_manager_id_fkey", "manager_id", "public.staff", "id")
	fk(staff, "staff_store_id_fkey", "store_id", "public.store", "id")
	fk(staff, "staff_team_id_fkey", "team_id", "public.team", "id")
	fk(team, "team_lead_id_fkey", "lead_id", "public.staff", "id")
	return &dbtwin.Schema{Engine: "postgres", Tables: []*dbtwin.Table{users, orders, items, products, category, store, staff, team, audit, guests}}
}

var guestRel = dbtwin.Relation{FromTable: "guest_purchases", FromColumns: []string{"national_id"},
	ToTable: "users", ToColumns: []string{"national_id"}, Kind: "value"}

func TestGraphSCCs(t *testing.T) {
	g, err := buildGraph(shopSchema(), []dbtwin.Relation{guestRel})
	if err != nil {
		t.Fatal(err)
	}
	cyc := g.cycles()
	want := [][]string{{"public.category"}, {"public.staff", "public.store", "public.team"}}
	if len(cyc) != len(want) {
		t.Fatalf("cycles = %v, want %v", cyc, want)
	}
	for i := range want {
		if strings.Join(cyc[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("cycle %d = %v, want %v", i, cyc[i], want[i])
		}
	}
	// Children first: a table comes before what it references.
	pos := map[string]int{}
	for r, i := range g.childrenFirst() {
		pos[g.leaves[i].Name] = r
	}
	for _, pair := range [][2]string{{"items", "orders"}, {"orders", "users"}, {"users", "store"}, {"items", "products"}, {"products", "category"}} {
		if pos[pair[0]] > pos[pair[1]] {
			t.Errorf("%s comes after %s in children-first order", pair[0], pair[1])
		}
	}
}

func TestGraphPartitions(t *testing.T) {
	cust := tbl("customer", "id", "id")
	pay := tbl("payment", "", "id", "customer_id", "day")
	pay.Partitioned = true
	p1 := tbl("payment_p1", "", "id", "customer_id", "day")
	p1.PartitionOf = "public.payment"
	p2 := tbl("payment_p2", "", "id", "customer_id", "day")
	p2.PartitionOf = "public.payment"
	fk(pay, "payment_customer_id_fkey", "customer_id", "public.customer", "id")
	refund := tbl("refund", "id", "id", "payment_id")
	fk(refund, "refund_payment_fkey", "payment_id", "public.payment", "id")
	s := &dbtwin.Schema{Engine: "postgres", Tables: []*dbtwin.Table{cust, pay, p1, p2, refund}}
	g, err := buildGraph(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.leaves) != 4 {
		t.Fatalf("leaves = %v", g.leaves)
	}
	if l := g.groups[pay].leaves; len(l) != 2 || l[0] != p1 || l[1] != p2 {
		t.Fatalf("payment leaves = %v", l)
	}
	p, err := NewPlan(s, nil, &config.Subset{Roots: []config.Root{{Table: "customer", Percent: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]string{}
	for _, tp := range p.Tables {
		rules[tp.Table] = tp.Rule
	}
	want := map[string]string{"public.customer": RuleRoot, "public.payment": RulePartitioned,
		"public.payment_p1": RuleChildren, "public.payment_p2": RuleChildren, "public.refund": RuleChildren}
	for k, v := range want {
		if rules[k] != v {
			t.Errorf("%s rule = %q, want %q", k, rules[k], v)
		}
	}
}

func TestPlanRulesAndPaths(t *testing.T) {
	cfg := &config.Subset{
		Roots:    []config.Root{{Table: "public.users", Percent: 10}},
		Children: config.ChildCaps{MaxPerParent: 50},
		Tables:   []config.TableSubset{{Table: "items", Children: &config.ChildCaps{MaxRows: 1000}}},
	}
	p, err := NewPlan(shopSchema(), []dbtwin.Relation{guestRel}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]TablePlan{}
	for _, tp := range p.Tables {
		got[tp.Table] = tp
	}
	want := map[string]string{
		"public.users": RuleRoot, "public.orders": RuleChildren, "public.items": RuleChildren,
		"public.products": RuleParents, "public.category": RuleParents, "public.store": RuleParents,
		"public.staff": RuleParents, "public.team": RuleParents, "public.audit": RuleUnreachable,
		"public.guest_purchases": RuleValue,
	}
	for k, v := range want {
		if got[k].Rule != v {
			t.Errorf("%s: rule %q, want %q (how: %s)", k, got[k].Rule, v, got[k].How)
		}
	}
	items := got["public.items"]
	if pathText(items.Path) != "public.users -child-> public.orders -child-> public.items" {
		t.Errorf("items path = %s", pathText(items.Path))
	}
	if items.MaxPerParent != 50 || items.MaxRows != 1000 {
		t.Errorf("items caps = %d/%d, want 50/1000", items.MaxPerParent, items.MaxRows)
	}
	if h := got["public.category"].How; !strings.Contains(h, "parents of public.products via products_category_id_fkey") {
		t.Errorf("category how = %q", h)
	}
	var buf bytes.Buffer
	if err := p.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"public.audit", "unreachable sample 10%", "public.staff <-> public.store <-> public.team",
		"public.category references itself", "root public.users: 10%", "max_per_parent 50"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("text plan lacks %q:\n%s", s, buf.String())
		}
	}
	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"rule":"children"`, `"path":[{"from":"public.users","table":"public.orders","as":"child","via":"orders_user_id_fkey"}`} {
		if !strings.Contains(string(js), s) {
			t.Errorf("JSON plan lacks %s:\n%s", s, js)
		}
	}
}

func TestPlanErrors(t *testing.T) {
	pos := config.Pos{File: "dbtwin.yaml", Line: 12, Column: 7}
	cases := []struct {
		name string
		cfg  config.Subset
		want []string
	}{
		{"unknown root", config.Subset{Roots: []config.Root{{Table: "userz", Pos: pos}}},
			[]string{"dbtwin.yaml:12:7", `"userz"`, "did you mean public.users?"}},
		{"bad percent", config.Subset{Roots: []config.Root{{Table: "users", Percent: 150, Pos: pos}}},
			[]string{"dbtwin.yaml:12:7", "percent 150"}},
		{"order without limit", config.Subset{Roots: []config.Root{{Table: "users", OrderBy: "id", Pos: pos}}},
			[]string{"order_by only matters with limit"}},
		{"empty referenced", config.Subset{Tables: []config.TableSubset{{Table: "users", Empty: true, Pos: pos}}},
			[]string{"public.users is configured empty", "public.orders references it through orders_user_id_fkey (columns user_id)"}},
		{"excluded root", config.Subset{Roots: []config.Root{{Table: "audit", Pos: pos}},
			Tables: []config.TableSubset{{Table: "audit", Exclude: true}}},
			[]string{"configured excluded, so it cannot be a root"}},
		{"unknown table setting", config.Subset{Tables: []config.TableSubset{{Table: "nope", Pos: pos}}},
			[]string{"dbtwin.yaml:12:7", `"nope"`}},
		{"unreachable percent", config.Subset{Unreachable: &config.Unreachable{Percent: -1}, Pos: pos},
			[]string{"outside 0..100"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewPlan(shopSchema(), nil, &c.cfg)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, dbtwin.ErrUsage) {
				t.Errorf("error does not wrap ErrUsage: %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	// Excluding a table nothing else needs is fine, and so is emptying a
	// whole chain from the leaves up.
	ok := config.Subset{Tables: []config.TableSubset{{Table: "audit", Exclude: true}, {Table: "items", Empty: true}}}
	if _, err := NewPlan(shopSchema(), nil, &ok); err != nil {
		t.Errorf("valid exclusions refused: %v", err)
	}
	if _, err := NewPlan(shopSchema(), []dbtwin.Relation{{FromTable: "orders", FromColumns: []string{"nope"},
		ToTable: "users", ToColumns: []string{"id"}, Kind: "fk"}}, &ok); err == nil || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Errorf("bad relation column: %v", err)
	}
	if _, err := NewPlan(shopSchema(), nil, nil); err == nil {
		t.Error("nil subset accepted")
	}
}

func TestDialectLiterals(t *testing.T) {
	tb := &dbtwin.Table{Name: "t", Columns: []*dbtwin.Column{
		{Name: "id", Kind: dbtwin.KindInt}, {Name: "name", Kind: dbtwin.KindText}, {Name: "b", Kind: dbtwin.KindBytes}}}
	sq := dialect{engine: "sqlite"}
	if got := sq.in(tb, []string{"id"}, [][][]byte{{[]byte("1")}, {[]byte("-2")}}); got != `"id" IN (1, -2)` {
		t.Errorf("sqlite ints: %s", got)
	}
	if got := sq.in(tb, []string{"id", "name"}, [][][]byte{{[]byte("1"), []byte("O'Brien")}}); got != `("id", "name") IN ((1, 'O''Brien'))` {
		t.Errorf("sqlite composite: %s", got)
	}
	if got := sq.literal(tb.Column("name"), []byte("7")); got != "'7'" {
		t.Errorf("sqlite text that looks like a number: %s", got)
	}
	if got := sq.literal(tb.Column("b"), []byte{0, 1}); got != "X'0001'" {
		t.Errorf("sqlite blob: %s", got)
	}
	pg := dialect{engine: "postgres"}
	if got := pg.literal(tb.Column("id"), []byte("5")); got != "'5'" {
		t.Errorf("pg int: %s", got)
	}
	if got := pg.literal(tb.Column("name"), []byte(`a\'b`)); got != `E'a\\''b'` {
		t.Errorf("pg backslash: %s", got)
	}
	if got := (dialect{engine: "mysql"}).ident("a`b"); got != "`a``b`" {
		t.Errorf("mysql ident: %s", got)
	}
}

func TestTopKKeepsSmallest(t *testing.T) {
	k := &topK{k: 3}
	for _, h := range []uint64{50, 10, 40, 30, 20, 60, 10} {
		k.offer(h, 0, dbtwin.Row{[]byte{byte(h)}})
	}
	got := k.sorted()
	if len(got) != 3 || got[0].h != 10 || got[1].h != 10 || got[2].h != 20 {
		t.Errorf("kept %v", got)
	}
}
