package widegen

import (
	"crypto/md5"
	"fmt"
	"strings"
)

var firstNames = strings.Fields(`james mary robert patricia john jennifer michael linda david elizabeth
	william barbara richard susan joseph jessica thomas sarah charles karen lena jonas marie felix
	clara paul ida emil greta anton sofia lucas mia noah emma liam olivia mateo camila hugo`)

var lastNames = strings.Fields(`smith johnson williams brown jones garcia miller davis rodriguez martinez
	schmidt weber koch richter wolf braun krause lange hahn vogel rossi russo silva santos nowak`)

// accounts creates the editor table (logins, e-mails, personal websites,
// password hashes, birth dates), tables referencing it, and a donation
// table sharing e-mail addresses with it without any key (the guest kind).
func (g *gen) accounts(ents []string) {
	g.exec(`CREATE TABLE editor (id integer PRIMARY KEY, name text NOT NULL UNIQUE, privs integer, email text, website text,
		bio text, member_since timestamp, email_confirm_date timestamp, last_login_date timestamp, last_updated timestamp,
		birth_date date, gender integer, area integer, password text NOT NULL, ha1 text NOT NULL, deleted boolean NOT NULL)`)
	const editors = 2000
	var rows [][]string
	var emails []string
	for id := 1; id <= editors; id++ {
		f, l := firstNames[g.r.Intn(len(firstNames))], lastNames[g.r.Intn(len(lastNames))]
		login := []string{f + "_" + l, f + l, l + "." + f, f[:1] + l}[g.r.Intn(4)] + fmt.Sprint(id)
		email := fmt.Sprintf("%s.%s%d@%s", f, l, id, []string{"mail.example", "post.example", "inbox.example"}[g.r.Intn(3)])
		emails = append(emails, email)
		website := null()
		if g.r.Intn(10) < 3 {
			website = q(fmt.Sprintf("https://%s%s.example.net/", f, l))
		}
		bio := q("")
		if g.r.Intn(4) == 0 {
			bio = q("I collect " + strings.ToLower(g.title()) + " records.")
		}
		hash := fmt.Sprintf("$2b$12$%022x%031x", g.r.Uint64(), g.r.Uint64())
		ha1 := fmt.Sprintf("%x", md5.Sum([]byte(login+":pw")))
		rows = append(rows, []string{n(id), q(login), n(g.r.Intn(256)), q(email), website, bio, g.ts(), g.ts(), g.ts(), g.ts(),
			q(fmt.Sprintf("%d-%02d-%02d", 1940+g.r.Intn(65), 1+g.r.Intn(12), 1+g.r.Intn(28))),
			g.ref("gender", 30), g.ref(ents[0], 40), q(hash), q(ha1), "false"})
	}
	g.insert("editor", []string{"id", "name", "privs", "email", "website", "bio", "member_since", "email_confirm_date",
		"last_login_date", "last_updated", "birth_date", "gender", "area", "password", "ha1", "deleted"}, rows)
	g.link("editor", "gender", "gender", true)
	g.link("editor", "area", ents[0], true)
	for k, v := range map[string]string{"name": "username", "email": "email", "website": "website", "password": "secret",
		"ha1": "secret", "birth_date": "birth_date"} {
		g.truth.PII["editor."+k] = v
	}

	g.exec("CREATE TABLE editor_language (editor integer NOT NULL, language integer NOT NULL, fluency text NOT NULL, PRIMARY KEY (editor, language))")
	rows = nil
	seen := map[[2]int]bool{}
	for len(rows) < 1500 {
		e, l := 1+g.r.Intn(editors), 1+g.r.Intn(g.rows["language"])
		if seen[[2]int{e, l}] {
			continue
		}
		seen[[2]int{e, l}] = true
		rows = append(rows, []string{n(e), n(l), q([]string{"basic", "intermediate", "advanced", "native"}[g.r.Intn(4)])})
	}
	g.insert("editor_language", []string{"editor", "language", "fluency"}, rows)
	g.link("editor_language", "editor", "editor", true)
	g.link("editor_language", "language", "language", true)

	// Edits and votes: "type" and "status" here have no lookup table (small
	// dense integers that must not be linked to another table's).
	g.exec("CREATE TABLE edit (id integer PRIMARY KEY, editor integer NOT NULL, type integer NOT NULL, status integer NOT NULL, " +
		"autoedit integer NOT NULL, open_time timestamp, close_time timestamp, language integer)")
	rows = nil
	for id := 1; id <= 3000; id++ {
		rows = append(rows, []string{n(id), g.ref("editor", 0), n(1 + g.r.Intn(90)), n(1 + g.r.Intn(7)), n(g.r.Intn(2)), g.ts(), g.ts(), g.ref("language", 60)})
	}
	g.insert("edit", []string{"id", "editor", "type", "status", "autoedit", "open_time", "close_time", "language"}, rows)
	g.link("edit", "editor", "editor", true)
	g.link("edit", "language", "language", true)
	g.exec("CREATE TABLE vote (id integer PRIMARY KEY, editor integer NOT NULL, edit integer NOT NULL, vote integer NOT NULL, vote_time timestamp, superseded boolean NOT NULL)")
	rows = nil
	for id := 1; id <= 4000; id++ {
		rows = append(rows, []string{n(id), g.ref("editor", 0), g.ref("edit", 0), n(g.r.Intn(4) - 1), g.ts(), "false"})
	}
	g.insert("vote", []string{"id", "editor", "edit", "vote", "vote_time", "superseded"}, rows)
	g.link("vote", "editor", "editor", true)
	g.link("vote", "edit", "edit", true)

	// Donations by e-mail: 40% from editors, the rest from guests.
	g.exec("CREATE TABLE donation (id integer PRIMARY KEY, email text NOT NULL, amount numeric(10,2) NOT NULL, donated_at timestamp)")
	rows = nil
	for id := 1; id <= 800; id++ {
		email := fmt.Sprintf("guest%d@donor.example", id)
		if g.r.Intn(10) < 4 {
			email = emails[g.r.Intn(len(emails))]
		}
		rows = append(rows, []string{n(id), q(email), fmt.Sprintf("%d.%02d", 1+g.r.Intn(200), g.r.Intn(100)), g.ts()})
	}
	g.insert("donation", []string{"id", "email", "amount", "donated_at"}, rows)
	g.truth.Links = append(g.truth.Links, Link{Table: "donation", Column: "email", ToTable: "editor", ToColumn: "email", Kind: "value", Data: true})
	g.truth.PII["donation.email"] = "email"

	// Places are businesses: their addresses are public, not personal.
	hasPlace := false
	for _, e := range ents {
		hasPlace = hasPlace || e == "place"
	}
	if !hasPlace {
		return
	}
	g.exec("CREATE TABLE place_address (id integer PRIMARY KEY, place integer NOT NULL, address text, coordinates text)")
	rows = nil
	for id := 1; id <= 200; id++ {
		w := words[g.r.Intn(len(words))]
		rows = append(rows, []string{n(id), g.ref("place", 0), q(fmt.Sprintf("%d %s Street", 1+g.r.Intn(300), strings.ToUpper(w[:1])+w[1:])),
			q(fmt.Sprintf("%.4f,%.4f", g.r.Float64()*90, g.r.Float64()*180))})
	}
	g.insert("place_address", []string{"id", "place", "address", "coordinates"}, rows)
	g.link("place_address", "place", "place", true)
}
