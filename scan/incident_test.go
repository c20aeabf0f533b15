package scan

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// incident is the shape behind DESIGN.md §1: users and an overlooked table
// of guest purchases sharing national IDs, with no foreign key.
type incident struct {
	users  []incidentUser
	guests []incidentGuest
}

type incidentUser struct{ name, email, nationalID, country, profile string }
type incidentGuest struct {
	nationalID, email string
	cents             int
}

// bsn makes a valid Dutch citizen service number (11-proof) from a seed.
func bsn(r *rand.Rand) string {
	for {
		d := make([]int, 9)
		sum := 0
		for i := 0; i < 8; i++ {
			d[i] = r.Intn(10)
			sum += d[i] * (9 - i)
		}
		if d[0] == 0 {
			continue
		}
		c := sum % 11
		if c == 10 {
			continue
		}
		d[8] = c
		var b strings.Builder
		for _, x := range d {
			b.WriteByte(byte('0' + x))
		}
		return b.String()
	}
}

func makeIncident(users, guests int, shared float64) incident {
	r := rand.New(rand.NewSource(7))
	first := []string{"Anna", "Jan", "Pieter", "Sanne", "Lotte", "Daan", "Emma", "Lucas", "Julia", "Thomas", "Sophie", "Bram"}
	last := []string{"Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters"}
	countries := []string{"NL", "BE", "DE"}
	var in incident
	seen := map[string]bool{}
	for i := 0; i < users; i++ {
		id := bsn(r)
		for seen[id] {
			id = bsn(r)
		}
		seen[id] = true
		f, l := first[r.Intn(len(first))], last[r.Intn(len(last))]
		email := fmt.Sprintf("%s.%s%d@mail%d.example", strings.ToLower(f), strings.ToLower(strings.ReplaceAll(l, " ", "")), i, i%7)
		phone := fmt.Sprintf("+31 6 %04d %04d", r.Intn(10000), r.Intn(10000))
		profile := fmt.Sprintf(`{"contact": {"email": %q, "phone": %q}, "prefs": {"lang": "nl", "newsletter": true}}`, email, phone)
		in.users = append(in.users, incidentUser{f + " " + l, email, id, countries[r.Intn(3)], profile})
	}
	for i := 0; i < guests; i++ {
		g := incidentGuest{cents: 100 + r.Intn(50000)}
		if r.Float64() < shared {
			u := in.users[r.Intn(len(in.users))]
			g.nationalID, g.email = u.nationalID, u.email
		} else {
			g.nationalID = bsn(r)
			g.email = fmt.Sprintf("guest%d@shop%d.example", i, i%5)
		}
		in.guests = append(in.guests, g)
	}
	return in
}

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// inserts writes the rows as multi-row INSERT statements.
func (in incident) inserts() []string {
	var out []string
	for i := 0; i < len(in.users); i += 500 {
		var vals []string
		for j := i; j < min(i+500, len(in.users)); j++ {
			u := in.users[j]
			vals = append(vals, fmt.Sprintf("(%d, %s, %s, %s, %s, %s)", j+1, sqlQuote(u.name), sqlQuote(u.email),
				sqlQuote(u.nationalID), sqlQuote(u.country), sqlQuote(u.profile)))
		}
		out = append(out, "INSERT INTO users (id, name, email, national_id, country, profile) VALUES "+strings.Join(vals, ", "))
	}
	for i := 0; i < len(in.guests); i += 500 {
		var vals []string
		for j := i; j < min(i+500, len(in.guests)); j++ {
			g := in.guests[j]
			vals = append(vals, fmt.Sprintf("(%d, %s, %s, %d.%02d)", j+1, sqlQuote(g.nationalID), sqlQuote(g.email), g.cents/100, g.cents%100))
		}
		out = append(out, "INSERT INTO guest_purchases (id, national_id, email, amount) VALUES "+strings.Join(vals, ", "))
	}
	return out
}

// incidentPostgres builds the incident in PostgreSQL: users.national_id is
// unique (indexed), guest_purchases.national_id is not; no foreign key.
func incidentPostgres(t *testing.T, in incident) string {
	url := dbtest.Postgres(t)
	ddl := `CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE,
		national_id text NOT NULL UNIQUE, country text, profile jsonb);
	CREATE TABLE guest_purchases (id integer PRIMARY KEY, national_id text NOT NULL, email text,
		amount numeric(10,2) NOT NULL, purchased_at timestamptz DEFAULT now());`
	dbtest.Exec(t, url, ddl+strings.Join(in.inserts(), ";\n")+";\nANALYZE")
	return url
}

// incidentSQLite builds it in SQLite with no index on either national_id.
func incidentSQLite(t *testing.T, in incident) string {
	path := dbtest.SQLite(t, "incident.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := append([]string{
		`CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, national_id TEXT NOT NULL, country TEXT, profile JSON)`,
		`CREATE TABLE guest_purchases (id INTEGER PRIMARY KEY, national_id TEXT NOT NULL, email TEXT, amount NUMERIC(10,2) NOT NULL, purchased_at DATETIME DEFAULT CURRENT_TIMESTAMP)`,
	}, in.inserts()...)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%.80s: %v", s, err)
		}
	}
	return "sqlite:" + path
}

func TestIncidentSharedNationalIDs(t *testing.T) {
	in := makeIncident(3000, 2000, 0.4)
	for _, engine := range []string{"postgres", "sqlite"} {
		t.Run(engine, func(t *testing.T) {
			var url string
			if engine == "postgres" {
				url = incidentPostgres(t, in)
			} else {
				url = incidentSQLite(t, in)
			}
			snap := snapshotOf(t, url)
			res, err := Run(context.Background(), snap, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var text bytes.Buffer
			if err := WriteText(&text, res); err != nil {
				t.Fatal(err)
			}
			t.Logf("\n%s", text.String())
			var link *Relationship
			for i, r := range res.Relationships {
				if !r.Declared && strings.HasSuffix(r.From.Table, "guest_purchases") && r.From.Columns[0] == "national_id" &&
					strings.HasSuffix(r.To.Table, "users") && r.To.Columns[0] == "national_id" {
					link = &res.Relationships[i]
				}
			}
			if link == nil {
				t.Fatalf("no link guest_purchases(national_id) -> users(national_id) found")
			}
			if link.Kind != "value" || link.Level != LevelHigh {
				t.Errorf("link: kind %s level %s, want a high-confidence value link", link.Kind, link.Level)
			}
			// About 40% of guest purchases use a user's national ID; distinct
			// values shift that a little.
			if link.Coverage < 0.25 || link.Coverage > 0.6 {
				t.Errorf("overlap guest->users %.2f, want about 0.4", link.Coverage)
			}
			if link.ReverseCoverage <= 0 || link.ReverseCoverage > 0.5 {
				t.Errorf("overlap users->guest %.2f, want in (0, 0.5]", link.ReverseCoverage)
			}
			if !strings.Contains(strings.Join(link.Evidence, " "), "%") {
				t.Errorf("evidence without a rate: %v", link.Evidence)
			}
			cats := map[string]string{}
			for _, p := range res.PII {
				cats[p.Table[strings.LastIndex(p.Table, ".")+1:]+"."+p.Column] = p.Category
			}
			for col, want := range map[string]string{"users.national_id": CatNationalID, "guest_purchases.national_id": CatNationalID,
				"users.email": CatEmail, "users.name": CatPersonName, "users.profile": CatJSONPII} {
				if cats[col] != want {
					t.Errorf("%s: category %q, want %q", col, cats[col], want)
				}
			}
			// The starter config masks the IDs and declares the link.
			var out bytes.Buffer
			if err := WriteConfig(&out, res, snap.Schema()); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Parse("dbtwin.yaml", out.Bytes())
			if err != nil {
				t.Fatalf("generated config does not parse: %v\n%s", err, out.String())
			}
			if err := config.Validate(cfg, snap.Schema()); err != nil {
				t.Fatalf("generated config does not validate: %v\n%s", err, out.String())
			}
			found := false
			for _, r := range cfg.Relations {
				if strings.HasSuffix(r.FromTable, "guest_purchases") && strings.HasSuffix(r.ToTable, "users") &&
					r.FromColumns[0] == "national_id" && r.ToColumns[0] == "national_id" {
					found = true
				}
			}
			if !found {
				t.Errorf("config has no relation guest_purchases(national_id) -> users(national_id):\n%s", out.String())
			}
			if !strings.Contains(out.String(), `"$.contact.email": email`) {
				t.Errorf("config does not mask the profile's e-mail path:\n%s", out.String())
			}
			t.Logf("\n%s", out.String())
		})
	}
}
