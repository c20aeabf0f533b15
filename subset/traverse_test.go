package subset

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
)

func TestChainClosedThroughParents(t *testing.T) {
	url := sqliteFrom(t, "chain")
	// The deepest node as root: the whole chain comes along as parents.
	o := deterministic(t, url, nil, &config.Subset{Roots: []config.Root{{Table: "node", Where: "id = 1000"}}})
	if n := o.count("node"); n != 1000 {
		t.Errorf("node rows = %d, want the whole chain of 1000", n)
	}
	res := o.result("node")
	if len(res.Reached) < 2 || res.Reached[0].How != "root (where id = 1000)" || res.Reached[0].Rows != 1 ||
		res.Reached[1].How != "parent of node via node_parent_id_fkey" || res.Reached[1].Rows != 999 {
		t.Errorf("node reached = %+v", res.Reached)
	}
	// node 1000 has tags: they are its children.
	if n := o.count("tag"); n != 2 {
		t.Errorf("tag rows = %d, want the 2 tags of node 1000", n)
	}
}

func TestChainFollowedThroughChildren(t *testing.T) {
	url := sqliteFrom(t, "chain")
	o := deterministic(t, url, nil, &config.Subset{Roots: []config.Root{{Table: "node", Where: "id = 1"}}})
	if n := o.count("node"); n != 1000 {
		t.Errorf("node rows = %d, want 1000 (each node is the child of the previous)", n)
	}
	// Children of children are followed, so every tag hangs off a selected node.
	if n := o.count("tag"); n != 20 {
		t.Errorf("tag rows = %d, want 20", n)
	}
	// With max_rows the chain stops, and the result says so. (Tags are left
	// out: a sampled tag would pull its node's whole chain in as parents.)
	o = subsetRun(t, url, nil, &config.Subset{Roots: []config.Root{{Table: "node", Where: "id = 1"}},
		Tables: []config.TableSubset{{Table: "node", Children: &config.ChildCaps{MaxRows: 10}}, {Table: "tag", Exclude: true}}}, Options{})
	if n := o.count("node"); n != 11 {
		t.Errorf("node rows with max_rows 10 = %d, want 11", n)
	}
	if !o.result("node").Capped {
		t.Error("node not reported capped")
	}
}

func TestCyclesSharingTables(t *testing.T) {
	url := sqliteFrom(t, "cycles")
	cfg := &config.Subset{Roots: []config.Root{{Table: "a", Where: "id <= 5"}}, Children: config.ChildCaps{MaxPerParent: 2}}
	o := deterministic(t, url, nil, cfg)
	if len(o.plan.Cycles) != 1 || strings.Join(o.plan.Cycles[0], ",") != "a,b,c,d" {
		t.Errorf("cycles = %v", o.plan.Cycles)
	}
	for _, n := range []string{"a", "b", "c", "d", "a_colour", "colour"} {
		if o.count(n) == 0 {
			t.Errorf("%s has no rows", n)
		}
	}
	if o.count("colour") > 3 {
		t.Errorf("colour has %d rows; the unused colour is referenced by nothing and colour is reached", o.count("colour"))
	}
	t.Logf("a=%d b=%d c=%d d=%d", o.count("a"), o.count("b"), o.count("c"), o.count("d"))
}

func TestCompositeUniqueAndKeylessTables(t *testing.T) {
	url := sqliteFrom(t, "keys")
	cfg := &config.Subset{Roots: []config.Root{{Table: "account", Percent: 20}}}
	o := deterministic(t, url, nil, cfg)
	acc := o.result("account")
	if acc.Reached[0].Rows < 30 || acc.Reached[0].Rows > 90 {
		t.Errorf("20%% of 300 accounts gave %d roots", acc.Reached[0].Rows)
	}
	if o.count("visit") == 0 || o.count("region") == 0 || o.count("city") == 0 {
		t.Errorf("visit=%d region=%d city=%d", o.count("visit"), o.count("region"), o.count("city"))
	}
	if n := o.count("lonely"); n < 1 || n > 10 {
		t.Errorf("lonely (no key, unreachable, 40 rows) kept %d rows, want a 10%% sample (about 4)", n)
	}
	if got := o.result("lonely").Reached; len(got) != 1 || got[0].How != "unreachable sample 10%" {
		t.Errorf("lonely reached = %+v", got)
	}

	// A keyless root limited without order_by, several roots, and a root
	// on a composite-key table.
	cfg = &config.Subset{Roots: []config.Root{
		{Table: "visit", Limit: 10},
		{Table: "region", Where: "country = 'FR'", Limit: 3, OrderBy: "code DESC"},
		{Table: "city", Where: "region_code IS NULL"},
	}}
	o = deterministic(t, url, nil, cfg)
	if r := o.result("visit").Reached; r[0].Rows != 10 {
		t.Errorf("visit roots = %+v", r)
	}
	if r := o.result("region").Reached; r[0].Rows != 3 {
		t.Errorf("region roots = %+v", r)
	}
	o.logResults(t)
}

func TestFanoutCapHolds(t *testing.T) {
	// One parent with 1,000,000 children (100,000 with -short).
	children := "1000000"
	if testing.Short() {
		children = "100000"
	}
	url := sqliteFrom(t, "fanout", ":children", children)
	cfg := &config.Subset{Roots: []config.Root{{Table: "shop", Where: "id <= 2"}}}
	o := deterministic(t, url, nil, cfg)
	if n := o.count("sale"); n != 103 {
		t.Errorf("sale rows = %d, want 100 (cap) of shop 1 + 3 of shop 2", n)
	}
	// Notes are children of the chosen sales, or sampled and closed.
	if o.count("sale_note") == 0 {
		t.Error("sale_note empty")
	}
	cfg = &config.Subset{Roots: []config.Root{{Table: "shop", Where: "id = 1"}},
		Tables: []config.TableSubset{{Table: "sale", Children: &config.ChildCaps{MaxPerParent: 5000}}}}
	o = subsetRun(t, url, nil, cfg, Options{})
	// Shop 2's sales are not reached; sale has rows, so it gets no sample.
	if n := o.count("sale"); n != 5000 {
		t.Errorf("sale rows with max_per_parent 5000 = %d", n)
	}
	cfg = &config.Subset{Roots: []config.Root{{Table: "shop", Where: "id = 1"}},
		Tables: []config.TableSubset{{Table: "sale", Children: &config.ChildCaps{MaxPerParent: 5000}}}}
	_, err := selectOnly(t, url, nil, cfg, Options{MaxKeys: 1000})
	if !errors.Is(err, ErrKeyBudget) || !strings.Contains(err.Error(), "sale") {
		t.Errorf("key budget error = %v", err)
	}
}

func TestIncidentValueRelation(t *testing.T) {
	url := sqliteFrom(t, "incident")
	rels := []dbtwin.Relation{{FromTable: "guest_purchases", FromColumns: []string{"national_id"},
		ToTable: "users", ToColumns: []string{"national_id"}, Kind: "value"}}
	cfg := &config.Subset{Roots: []config.Root{{Table: "users", Percent: 10}}}
	o := deterministic(t, url, rels, cfg)
	users := map[string]bool{}
	nid := indexOf(o.cols["users"], "national_id")
	for _, r := range o.kept["users"] {
		users[string(r[nid])] = true
	}
	if len(users) < 70 || len(users) > 130 {
		t.Errorf("10%% of 1000 users gave %d", len(users))
	}
	// Every guest purchase of a selected user is there (2 per even user).
	gnid := indexOf(o.cols["guest_purchases"], "national_id")
	matched, guestOnly := 0, 0
	for _, r := range o.kept["guest_purchases"] {
		switch {
		case users[string(r[gnid])]:
			matched++
		case strings.HasPrefix(string(r[gnid]), "9"):
			guestOnly++
		}
	}
	even := 0
	id := indexOf(o.cols["users"], "id")
	for _, r := range o.kept["users"] {
		if (r[id][len(r[id])-1]-'0')%2 == 0 {
			even++
		}
	}
	if matched != 2*even {
		t.Errorf("guest purchases of selected users = %d, want %d", matched, 2*even)
	}
	if guestOnly < 20 || guestOnly > 90 {
		t.Errorf("guest-only purchases = %d, want about 10%% of 500", guestOnly)
	}
	// The sample of the rest takes only rows matching no user: purchases of
	// users outside the subset would distort the overlap.
	if matched+guestOnly != o.count("guest_purchases") {
		t.Errorf("%d guest purchases kept, %d of selected users, %d guest-only: the rest belong to users not selected",
			o.count("guest_purchases"), matched, guestOnly)
	}
	if n := o.count("orders"); n != 3*len(users) {
		t.Errorf("orders = %d, want 3 per selected user (%d)", n, 3*len(users))
	}
	if n := o.count("subscriptions"); n != len(users) {
		t.Errorf("subscriptions = %d, want %d", n, len(users))
	}
	o.logResults(t)
}

func TestExcludedAndEmptyTables(t *testing.T) {
	url := sqliteFrom(t, "incident")
	cfg := &config.Subset{Roots: []config.Root{{Table: "users", Limit: 5}},
		Tables: []config.TableSubset{{Table: "guest_purchases", Exclude: true}, {Table: "subscriptions", Empty: true}}}
	o := deterministic(t, url, nil, cfg)
	if o.count("users") != 5 || o.count("orders") != 15 {
		t.Errorf("users=%d orders=%d", o.count("users"), o.count("orders"))
	}
	if w, _, _ := o.sel.Filter(o.schema.Table("subscriptions"), o.cols["subscriptions"]); w != "1 = 0" {
		t.Errorf("empty table filter = %q", w)
	}
	// A limit-only root on a key orders by the key: the first five users,
	// also pushed to the source as a narrowing IN list.
	where, keep, err := o.sel.Filter(o.schema.Table("users"), o.cols["users"])
	if err != nil || where != `"id" IN (1,2,3,4,5)` || keep == nil {
		t.Fatalf("users filter: %q %v %v", where, keep != nil, err)
	}
	if !keep(dbtwin.Row{[]byte("1"), nil, nil, nil}) || keep(dbtwin.Row{[]byte("6"), nil, nil, nil}) {
		t.Error("keep does not select users 1..5")
	}
	// keep is safe for concurrent use.
	var wg sync.WaitGroup
	var kept atomic.Int64
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; i <= 1000; i++ {
				if keep(dbtwin.Row{[]byte(strconv.Itoa(i)), nil, nil, nil}) {
					kept.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if kept.Load() != 4*5 {
		t.Errorf("concurrent keep kept %d, want 20", kept.Load())
	}
	if _, _, err := o.sel.Filter(o.schema.Table("users"), []string{"email"}); err == nil || !strings.Contains(err.Error(), `"id"`) {
		t.Errorf("filter without the key column: %v", err)
	}
}

func TestFilterPredicates(t *testing.T) {
	url := sqliteFrom(t, "incident")
	cfg := &config.Subset{Roots: []config.Root{{Table: "users", Where: "id % 3 = 0"}, {Table: "orders"}},
		Children: config.ChildCaps{MaxPerParent: 1}}
	o := subsetRun(t, url, nil, cfg, Options{})
	// orders is a whole-table root; users are exactly the where clause plus
	// the parents of every order, so they need the in-process test.
	if w, k, _ := o.sel.Filter(o.schema.Table("orders"), o.cols["orders"]); w != "" || k != nil {
		t.Errorf("orders filter = %q, keep %v; want all rows", w, k != nil)
	}
	cfg = &config.Subset{Roots: []config.Root{{Table: "users", Where: "id % 3 = 0"}}, Children: config.ChildCaps{MaxPerParent: 1}}
	o = subsetRun(t, url, nil, cfg, Options{})
	if w, k, _ := o.sel.Filter(o.schema.Table("users"), o.cols["users"]); w != "(id % 3 = 0)" || k != nil {
		t.Errorf("users filter = %q, keep %v; want the root's where clause", w, k != nil)
	}
}

func TestRootWhereErrorNamesPosition(t *testing.T) {
	url := sqliteFrom(t, "incident")
	cfg := &config.Subset{Roots: []config.Root{{Table: "users", Where: "no_such_column = 1",
		Pos: config.Pos{File: "dbtwin.yaml", Line: 9, Column: 5}}}}
	_, err := selectOnly(t, url, nil, cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "dbtwin.yaml:9:5") || !strings.Contains(err.Error(), "users") {
		t.Errorf("error = %v", err)
	}
}

func selectOnly(t *testing.T, url string, rels []dbtwin.Relation, cfg *config.Subset, opt Options) (*Selection, error) {
	t.Helper()
	ctx := context.Background()
	src, err := dbtwin.OpenSource(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	snap, err := src.Snapshot(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	p, err := NewPlan(snap.Schema(), rels, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return Select(ctx, snap, p, opt)
}
