// Package demo builds the embedded "production" database of `dbtwin demo`: a
// SQLite file shaped like the two incidents in DESIGN.md — users with
// realistic personal data, a guest_purchases table sharing national IDs with
// users and no foreign key, orders, and subscriptions where many users have
// several (so the newsletter JOIN duplicates addresses). Generation is
// deterministic: the same sizes give the same database.
package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7/data"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// Sizes says how many rows to generate.
type Sizes struct {
	Users, GuestPurchases, Orders int
	// SharedGuestIDs is the fraction of guest purchases whose national ID also
	// belongs to a registered user (the overlooked overlap).
	SharedGuestIDs float64
}

// DefaultSizes is what `dbtwin demo` builds: tens of thousands of rows.
var DefaultSizes = Sizes{Users: 8000, GuestPurchases: 4000, Orders: 20000, SharedGuestIDs: 0.35}

// Schema is the production schema. guest_purchases has no foreign key to
// users: nothing declares that its national_id is a user's.
const Schema = `
CREATE TABLE users (
  id          INTEGER PRIMARY KEY,
  email       TEXT NOT NULL UNIQUE,
  first_name  TEXT NOT NULL,
  last_name   TEXT NOT NULL,
  national_id TEXT NOT NULL UNIQUE,
  phone       TEXT,
  birth_date  TEXT,
  country     TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE TABLE guest_purchases (
  id           INTEGER PRIMARY KEY,
  national_id  TEXT NOT NULL,
  email        TEXT NOT NULL,
  amount       REAL NOT NULL,
  purchased_at TEXT NOT NULL
);
CREATE INDEX guest_purchases_national_id ON guest_purchases(national_id);
CREATE TABLE orders (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  total      REAL NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('paid', 'shipped', 'refunded')),
  created_at TEXT NOT NULL
);
CREATE INDEX orders_user_id ON orders(user_id);
CREATE TABLE subscriptions (
  id      INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  list    TEXT NOT NULL,
  active  INTEGER NOT NULL DEFAULT 1,
  UNIQUE (user_id, list)
);
`

// Lists are the newsletter lists users subscribe to.
var Lists = []string{"weekly", "offers", "product-news", "events"}

var countries = []string{"NL", "NL", "NL", "DE", "BE", "FR", "SE", "ES"}

// Build writes the production database to a new SQLite file at path.
func Build(ctx context.Context, path string, sz Sizes) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		return fmt.Errorf("create demo database %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return BuildDB(ctx, db, "sqlite", sz)
}

// BuildDB writes the production schema and data into an empty database of
// either engine ("sqlite" or "postgres", for its placeholders).
func BuildDB(ctx context.Context, db *sql.DB, dialect string, sz Sizes) error {
	if _, err := db.ExecContext(ctx, Schema); err != nil {
		return fmt.Errorf("create demo schema: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	g := &generator{dialect: dialect, rng: rand.New(rand.NewPCG(2024, 11)), usedEmail: map[string]bool{}, usedID: map[string]bool{}}
	userIDs, err := g.users(ctx, tx, sz.Users)
	if err != nil {
		return err
	}
	if err := g.guests(ctx, tx, sz, userIDs); err != nil {
		return err
	}
	if err := g.orders(ctx, tx, sz); err != nil {
		return err
	}
	if err := g.subscriptions(ctx, tx, sz.Users); err != nil {
		return err
	}
	return tx.Commit()
}

type generator struct {
	dialect   string
	rng       *rand.Rand
	usedEmail map[string]bool
	usedID    map[string]bool
}

var epoch = time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// sql rewrites ? placeholders as $n for PostgreSQL.
func (g *generator) sql(q string) string {
	if g.dialect != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// nationalID returns a fresh 9-digit number passing the Dutch BSN 11-test.
func (g *generator) nationalID() string {
	for {
		d := make([]int, 9)
		for i := range d {
			d[i] = g.rng.IntN(10)
		}
		if d[0] == 0 {
			continue
		}
		sum := 0
		for i := 0; i < 8; i++ {
			sum += (9 - i) * d[i]
		}
		sum -= d[8]
		if sum%11 != 0 {
			continue
		}
		var b strings.Builder
		for _, x := range d {
			b.WriteByte(byte('0' + x))
		}
		if s := b.String(); !g.usedID[s] {
			g.usedID[s] = true
			return s
		}
	}
}

func (g *generator) email(first, last string) string {
	domains := []string{"gmail.com", "outlook.com", "proton.me", "ziggo.nl", "web.de", "yahoo.com"}
	for i := 0; ; i++ {
		local := strings.ToLower(first + "." + last)
		if i > 0 {
			local += fmt.Sprint(g.rng.IntN(1000))
		}
		e := strings.ReplaceAll(local, " ", "") + "@" + g.pick(domains)
		if !g.usedEmail[strings.ToLower(e)] {
			g.usedEmail[strings.ToLower(e)] = true
			return e
		}
	}
}

func (g *generator) phone(country string) string {
	codes := map[string]string{"NL": "+31 6", "DE": "+49 151", "BE": "+32 470", "FR": "+33 6", "SE": "+46 70", "ES": "+34 6"}
	return fmt.Sprintf("%s %04d %04d", codes[country], g.rng.IntN(10000), g.rng.IntN(10000))
}

func (g *generator) users(ctx context.Context, tx *sql.Tx, n int) ([]string, error) {
	stmt, err := tx.PrepareContext(ctx, g.sql(`INSERT INTO users VALUES (?,?,?,?,?,?,?,?,?)`))
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	ids := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		first, last := g.pick(data.Person["first"]), g.pick(data.Person["last"])
		country := g.pick(countries)
		nid := g.nationalID()
		ids = append(ids, nid)
		email := g.email(first, last)
		if g.rng.IntN(20) == 0 {
			email = strings.ToUpper(email[:1]) + email[1:] // people type their address as they like
		}
		birth := epoch.AddDate(-18-g.rng.IntN(60), 0, -g.rng.IntN(365)).Format("2006-01-02")
		created := epoch.Add(-time.Duration(g.rng.IntN(3*365*24)) * time.Hour).Format("2006-01-02 15:04:05")
		if _, err := stmt.ExecContext(ctx, i, email, first, last, nid, g.phone(country), birth, country, created); err != nil {
			return nil, fmt.Errorf("insert demo user %d: %w", i, err)
		}
	}
	return ids, nil
}

func (g *generator) guests(ctx context.Context, tx *sql.Tx, sz Sizes, userIDs []string) error {
	stmt, err := tx.PrepareContext(ctx, g.sql(`INSERT INTO guest_purchases VALUES (?,?,?,?,?)`))
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i := 1; i <= sz.GuestPurchases; i++ {
		var nid string
		if g.rng.Float64() < sz.SharedGuestIDs {
			nid = userIDs[g.rng.IntN(len(userIDs))] // bought as a guest before (or after) signing up
		} else {
			nid = g.nationalID()
		}
		first, last := g.pick(data.Person["first"]), g.pick(data.Person["last"])
		amount := float64(500+g.rng.IntN(20000)) / 100
		at := epoch.Add(-time.Duration(g.rng.IntN(4*365*24)) * time.Hour).Format("2006-01-02 15:04:05")
		if _, err := stmt.ExecContext(ctx, i, nid, g.email(first, last), amount, at); err != nil {
			return fmt.Errorf("insert demo guest purchase %d: %w", i, err)
		}
	}
	return nil
}

func (g *generator) orders(ctx context.Context, tx *sql.Tx, sz Sizes) error {
	stmt, err := tx.PrepareContext(ctx, g.sql(`INSERT INTO orders VALUES (?,?,?,?,?)`))
	if err != nil {
		return err
	}
	defer stmt.Close()
	statuses := []string{"paid", "paid", "shipped", "shipped", "shipped", "refunded"}
	for i := 1; i <= sz.Orders; i++ {
		// A few customers order a lot: skewed like production.
		u := 1 + int(float64(sz.Users)*g.rng.Float64()*g.rng.Float64())
		total := float64(300+g.rng.IntN(30000)) / 100
		at := epoch.Add(-time.Duration(g.rng.IntN(3*365*24)) * time.Hour).Format("2006-01-02 15:04:05")
		if _, err := stmt.ExecContext(ctx, i, u, total, g.pick(statuses), at); err != nil {
			return fmt.Errorf("insert demo order %d: %w", i, err)
		}
	}
	return nil
}

func (g *generator) subscriptions(ctx context.Context, tx *sql.Tx, users int) error {
	stmt, err := tx.PrepareContext(ctx, g.sql(`INSERT INTO subscriptions (id, user_id, list, active) VALUES (?,?,?,?)`))
	if err != nil {
		return err
	}
	defer stmt.Close()
	id := 0
	for u := 1; u <= users; u++ {
		// Most users are on one list; many on several — the JOIN multiplies them.
		n := []int{0, 1, 1, 1, 2, 2, 3, 4}[g.rng.IntN(8)]
		for _, idx := range g.rng.Perm(len(Lists))[:n] {
			active := 1
			if g.rng.IntN(10) == 0 {
				active = 0
			}
			id++
			if _, err := stmt.ExecContext(ctx, id, u, Lists[idx], active); err != nil {
				return fmt.Errorf("insert demo subscription of user %d: %w", u, err)
			}
		}
	}
	return nil
}
