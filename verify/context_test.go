package verify_test

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// `dbtwin verify` between two existing databases judges columns as strict
// mode and init do, in their table's context: an accounts table's unique
// login `name` and its `website` are personal, so a twin that kept them is
// reported (issue 17: usernames and personal websites survived unseen).
func TestVerifyFindsLoginsAndWebsitesByContext(t *testing.T) {
	path := dbtest.SQLite(t, "accounts.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, website TEXT, joined TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 300; i++ {
		if _, err := db.Exec(`INSERT INTO accounts VALUES (?, ?, ?, '2020-01-01')`, i,
			fmt.Sprintf("nightowl_%04d", i*37), fmt.Sprintf("https://blog-%04d.example.net/about", i*41)); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	// The "twin" is an unmasked copy: every login and website survived.
	twin := dbtest.CopyFile(t, path)
	rep := verifyURLs(t, "sqlite:"+path, "sqlite:"+twin, nil)
	if rep.OK() {
		t.Fatalf("the copy's logins and websites were not reported: %+v", rep.Findings)
	}
	for _, col := range []string{"name", "website"} {
		if l := rep.Leak("accounts", col); l == nil || l.Cells < 300 {
			t.Errorf("accounts.%s: %+v; findings %+v", col, l, rep.Findings)
		}
	}
	assertNoRawValues(t, rep, "nightowl_0037", "blog-0041")
}
