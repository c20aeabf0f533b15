package scan

import (
	"fmt"
	"math"

	"github.com/dbtwin/dbtwin"
)

// DefaultSample is the rows per table a scan reads unless told otherwise;
// strict mode samples as many, so that it judges a column as `init` did.
const DefaultSample = 1000

// ColumnCategory returns the personal-data category strict mode gives a
// column before reading any data: its name read in the context of its table
// ("name" in customers is a person's name, "website" in users is personal),
// only when the column's type can hold that category (a date column named
// "email_confirm_date" is no e-mail) and the column is not a surrogate key,
// a generated column, or named ambiguously ("mobile" alone). `dbtwin init`
// writes a rule or a keep: entry for every column it flags, so the two agree
// by construction.
func ColumnCategory(t *dbtwin.Table, c *dbtwin.Column) (string, bool) {
	if t == nil || c == nil || c.Generated != "" || t.IsSurrogateKey(c.Name) {
		return "", false
	}
	h := hintFor(t.QualifiedName(), c.Name)
	if h.cat == "" || h.weak || !allowed(kindGroup(c.Kind), h.cat) {
		return "", false
	}
	return h.cat, true
}

// loginNames are bare column names that hold a login in a table of accounts.
var loginNames = map[string]bool{"name": true, "login": true, "handle": true, "nick": true,
	"nickname": true, "username": true, "user": true, "screenname": true, "loginname": true}

// accountLogin judges a name-like column of a table of accounts: unique,
// handle-shaped values (no spaces) are user names, not people's names.
func accountLogin(table string, col *dbtwin.Column, values []string, vs *valueStats) *candidate {
	ts := tokens(col.Name)
	if len(ts) == 0 || len(ts) > 2 || !loginNames[joinTokens(ts)] || !isAccountTable(table) || vs.n < 5 {
		return nil
	}
	k, r := vs.rate(vUsernameLike | vEmail)
	if r < 0.8 {
		return nil
	}
	seen := make(map[string]struct{}, len(values))
	for _, v := range values {
		seen[v] = struct{}{}
	}
	d := float64(len(seen)) / float64(max(1, len(values)))
	if d < 0.95 {
		return nil
	}
	return &candidate{cat: CatUsername, conf: math.Min(0.95, 0.6+0.35*r), evidence: []string{
		fmt.Sprintf("column '%s' of a table of accounts", col.Name),
		fmt.Sprintf("%d/%d sampled values look like a user name (handle, no spaces) (%s), %s distinct", k, vs.n, pct(k, vs.n), pct(len(seen), len(values))),
	}}
}

func joinTokens(ts []string) string {
	out := ""
	for _, t := range ts {
		out += t
	}
	return out
}
