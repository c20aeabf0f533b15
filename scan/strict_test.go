package scan

import (
	"fmt"
	"testing"
	"time"

	"github.com/dbtwin/dbtwin"
)

// A column's type outranks its name, and the table gives the context.
func TestColumnCategory(t *testing.T) {
	editor := &dbtwin.Table{Schema: "public", Name: "editor", Columns: []*dbtwin.Column{
		{Name: "id", Kind: dbtwin.KindInt}, {Name: "email_confirm_date", Kind: dbtwin.KindTimestamp},
		{Name: "last_login_date", Kind: dbtwin.KindTimestamp}, {Name: "birth_date", Kind: dbtwin.KindDate},
		{Name: "website", Kind: dbtwin.KindText}, {Name: "email", Kind: dbtwin.KindText},
		{Name: "email_confirm_date_text", Kind: dbtwin.KindText}, {Name: "last_login_at", Kind: dbtwin.KindText},
		{Name: "phone", Kind: dbtwin.KindBool}},
		PrimaryKey: &dbtwin.Key{Columns: []string{"id"}, Primary: true}}
	label := &dbtwin.Table{Schema: "public", Name: "label", Columns: []*dbtwin.Column{{Name: "website", Kind: dbtwin.KindText}}}
	want := map[string]string{"email_confirm_date": "", "last_login_date": "", "birth_date": CatBirthDate, "website": CatWebsite,
		"email": CatEmail, "last_login_at": "", "phone": "", "id": ""}
	for col, cat := range want {
		got, _ := ColumnCategory(editor, editor.Column(col))
		if got != cat {
			t.Errorf("editor.%s: %q, want %q", col, got, cat)
		}
	}
	if got, ok := ColumnCategory(label, label.Columns[0]); ok {
		t.Errorf("label.website: %q, want nothing (a business's website)", got)
	}
}

// A unique, handle-shaped name in a table of accounts is a user name; a
// name with spaces stays a person's name.
func TestAccountNameIsUsername(t *testing.T) {
	now := time.Now()
	var logins, names []string
	for i := range 100 {
		logins = append(logins, fmt.Sprintf("user_%d", i*31))
		names = append(names, fmt.Sprintf("Anna Schmidt%c", 'a'+i%26))
	}
	p := classifyColumn("public.editor", &dbtwin.Column{Name: "name", Kind: dbtwin.KindText}, logins, now)
	if p == nil || p.Category != CatUsername || p.Level == LevelLow {
		t.Fatalf("editor.name: %+v", p)
	}
	p = classifyColumn("public.users", &dbtwin.Column{Name: "name", Kind: dbtwin.KindText}, names, now)
	if p == nil || p.Category == CatUsername {
		t.Fatalf("users.name with full names: %+v", p)
	}
	p = classifyColumn("public.place", &dbtwin.Column{Name: "address", Kind: dbtwin.KindText},
		[]string{"12 Main Street", "4 High Street", "7 Station Road", "1 Market Square", "99 Harbour Road"}, now)
	if p == nil || !businessAddress(*p) {
		t.Fatalf("place.address: %+v", p)
	}
}
