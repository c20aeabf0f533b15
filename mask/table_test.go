package mask

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dbtwin/dbtwin"
)

func row(vals ...string) dbtwin.Row {
	r := make(dbtwin.Row, len(vals))
	for i, v := range vals {
		if v != "<null>" {
			r[i] = []byte(v)
		}
	}
	return r
}

func TestTableTemplatesAndWhen(t *testing.T) {
	m := newTestMasker(t)
	cols := []string{"id", "display", "first_name", "last_name", "email", "status", "login"}
	rules := map[string]Spec{
		"display":    {Transformer: "template", Params: map[string]any{"template": "{{.first_name}} {{.last_name | upper}}"}},
		"login":      {Transformer: "template", Params: map[string]any{"template": "{{.display | lower | replace \" \" \".\"}}"}},
		"first_name": {Transformer: "first_name"},
		"last_name":  {Transformer: "last_name"},
		"email": {Transformer: "template", Params: map[string]any{"template": "{{lower .first_name}}@example.com"},
			When: "status != 'deleted'"},
		"status": {Transformer: "constant", Params: map[string]any{"value": "deleted"}},
	}
	tm, err := m.Table(cols, rules, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tm.Masked(), ","); got != "display,first_name,last_name,email,status,login" {
		t.Errorf("Masked() = %s", got)
	}
	in := row("1", "John Smith", "John", "Smith", "john@x.com", "active", "jsmith")
	out, err := tm.Apply(in)
	if err != nil {
		t.Fatal(err)
	}
	fn, ln := string(out[2]), string(out[3])
	if fn == "John" || ln == "Smith" {
		t.Fatalf("names not masked: %q", out)
	}
	if want := fn + " " + strings.ToUpper(ln); string(out[1]) != want {
		t.Errorf("display = %q, want %q", out[1], want)
	}
	if want := strings.ToLower(fn + "." + ln); string(out[6]) != want {
		t.Errorf("login = %q, want %q (templates after the templates they read)", out[6], want)
	}
	if want := strings.ToLower(fn) + "@example.com"; string(out[4]) != want {
		t.Errorf("email = %q, want %q", out[4], want)
	}
	if string(out[5]) != "deleted" || string(out[0]) != "1" {
		t.Errorf("status/id = %q/%q", out[5], out[0])
	}
	if string(in[2]) != "John" {
		t.Error("Apply changed its input row")
	}
	// when sees the ORIGINAL status: a deleted row keeps its email.
	out, err = tm.Apply(row("2", "A B", "A", "B", "kept@x.com", "deleted", "ab"))
	if err != nil {
		t.Fatal(err)
	}
	if string(out[4]) != "kept@x.com" {
		t.Errorf("email of a deleted row = %q, want it kept", out[4])
	}
	// NULL stays NULL, also for templates.
	out, _ = tm.Apply(row("3", "<null>", "<null>", "Lee", "<null>", "active", "<null>"))
	if out[1] != nil || out[2] != nil || out[4] != nil || out[6] != nil {
		t.Errorf("NULLs: %q", out)
	}
	if _, err := tm.Apply(row("1")); err == nil {
		t.Error("a short row was accepted")
	}
}

func TestTableErrors(t *testing.T) {
	m := newTestMasker(t)
	cols := []string{"a", "b", "status"}
	info := map[string]ColumnInfo{"b": {Table: "public.t", Column: &dbtwin.Column{Name: "b", Type: "integer", Kind: dbtwin.KindInt}}}
	cases := []struct {
		rules map[string]Spec
		want  string
	}{
		{map[string]Spec{"c": {Transformer: "email"}}, `no column "c"`},
		{map[string]Spec{"a": {Transformer: "email", When: "stauts == 'x'"}}, `did you mean "status"?`},
		{map[string]Spec{"a": {Transformer: "template", Params: map[string]any{"template": "{{.x}}"}}}, "{{.x}}, which is not a column"},
		{map[string]Spec{
			"a":      {Transformer: "template", Params: map[string]any{"template": "{{.status}}"}},
			"status": {Transformer: "template", Params: map[string]any{"template": "{{.a}}"}},
		}, "cycle"},
		{map[string]Spec{"b": {Transformer: "email"}}, "public.t.b (integer)"},
		{map[string]Spec{"a": {Transformer: "emial"}}, "a: unknown transformer"},
	}
	for _, c := range cases {
		_, err := m.Table(cols, c.rules, info)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Table(%v) = %v, want %q", c.rules, err, c.want)
		}
	}
	tr := mustBuild(t, m, Spec{Transformer: "template", Params: map[string]any{"template": "{{.a}}"}}, textCol())
	if _, err := tr.Mask([]byte("x")); err == nil {
		t.Error("a template masked a value without its row")
	}
}

func TestTableRuleErrorsNameColumn(t *testing.T) {
	m := newTestMasker(t)
	tm, err := m.Table([]string{"ip"}, map[string]Spec{"ip": {Transformer: "ip"}},
		map[string]ColumnInfo{"ip": {Table: "public.log", Column: &dbtwin.Column{Name: "ip", Kind: dbtwin.KindText, MaxLength: 15}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tm.Apply(row("2001:db8::1"))
	if err == nil || !strings.Contains(err.Error(), "mask public.log.ip") {
		t.Errorf("error = %v", err)
	}
}

// TestConcurrentApply: one TableMasker shared by goroutines gives the same
// rows as a sequential run (run with -race).
func TestConcurrentApply(t *testing.T) {
	m := newTestMasker(t)
	cols := []string{"email", "phone", "name", "id", "doc"}
	tm, err := m.Table(cols, map[string]Spec{"email": {Transformer: "email"}, "phone": {Transformer: "phone"},
		"name": {Transformer: "full_name"}, "id": {Transformer: "uuid"},
		"doc": {Transformer: "json", Params: map[string]any{"detect": true}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]dbtwin.Row, 200)
	want := make([]dbtwin.Row, len(rows))
	for i := range rows {
		rows[i] = row(fmt.Sprintf("user%d@example.com", i), fmt.Sprintf("+46 70 %07d", i*31), "Ann Lee",
			fmt.Sprintf("550e8400-e29b-41d4-a716-%012d", i), fmt.Sprintf(`{"e":"u%d@x.org"}`, i))
		if want[i], err = tm.Apply(rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rows {
				j := (i + g*25) % len(rows)
				got, err := tm.Apply(rows[j])
				if err != nil || !slices.EqualFunc(got, want[j], bytes.Equal) {
					errs <- fmt.Sprintf("row %d: %q, %v", j, got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestInfoFor(t *testing.T) {
	tbl := &dbtwin.Table{Schema: "public", Name: "users",
		Columns: []*dbtwin.Column{{Name: "id", Kind: dbtwin.KindInt}, {Name: "email", Kind: dbtwin.KindText},
			{Name: "name", Kind: dbtwin.KindText, Nullable: true}},
		PrimaryKey: &dbtwin.Key{Columns: []string{"id"}, Primary: true},
		Uniques:    []*dbtwin.Key{{Columns: []string{"email"}, Expressions: []string{"lower(email)"}, Partial: true}}}
	info := InfoFor(tbl)
	if !info["id"].Unique || !info["email"].Unique || info["name"].Unique || info["email"].Table != "public.users" {
		t.Errorf("InfoFor = %+v", info)
	}
	m := newTestMasker(t)
	if _, err := m.Table([]string{"id", "email", "name"}, map[string]Spec{"name": {Transformer: "first_name"},
		"email": {Transformer: "email"}}, info); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Table([]string{"id", "email", "name"}, map[string]Spec{"email": {Transformer: "city"}}, info); err == nil ||
		!strings.Contains(err.Error(), "unique key") {
		t.Errorf("city on a unique email: %v", err)
	}
}
