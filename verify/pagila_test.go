package verify_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/jackc/pgx/v5"
)

const pagilaConfig = `version: 1
mask:
  public.customer:
    first_name: first_name
    last_name: last_name
    email: email
  public.staff:
    first_name: first_name
    last_name: last_name
    email: email
    username: username
    password: {transformer: hash, length: 40}
    picture: "null"
  public.address:
    address: street_address
    address2: street_address
    postal_code: postcode
    phone: phone
keep: [public.actor.first_name, public.actor.last_name, public.city.city]
`

// pagilaCustomer is what the test reads back from the source to plant.
type pagilaCustomer struct{ first, last, email string }

func queryCustomers(t *testing.T, dbURL string, ids ...int) map[int]pagilaCustomer {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	out := map[int]pagilaCustomer{}
	rows, err := conn.Query(ctx, `SELECT customer_id, first_name, last_name, email FROM customer WHERE customer_id = ANY($1)`, ids)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int
		var c pagilaCustomer
		if err := rows.Scan(&id, &c.first, &c.last, &c.email); err != nil {
			t.Fatal(err)
		}
		out[id] = c
	}
	if err := rows.Err(); err != nil || len(out) != len(ids) {
		t.Fatalf("read customers %v: %v (%d found)", ids, err, len(out))
	}
	return out
}

func queryPhones(t *testing.T, dbURL string, ids ...int) map[int]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	out := map[int]string{}
	for _, id := range ids {
		var p string
		if err := conn.QueryRow(ctx, `SELECT phone FROM address WHERE address_id = $1`, id).Scan(&p); err != nil {
			t.Fatal(err)
		}
		out[id] = p
	}
	return out
}

func quote(s string) string {
	var b bytes.Buffer
	b.WriteByte('\'')
	for _, r := range s {
		if r == '\'' {
			b.WriteByte('\'')
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

func TestPagilaMaskedCloneHasNoLeakAndPlantedLeaksAreFound(t *testing.T) {
	ctx := context.Background()
	src := dbtest.LoadPostgresFixture(t, "pagila")
	dst := dbtest.Postgres(t)
	cfg := parseConfig(t, pagilaConfig)
	if _, err := clone.Run(ctx, clone.Options{Source: src, Target: dst, Config: cfg, Secret: testSecret, Jobs: 2}); err != nil {
		t.Fatalf("clone pagila: %v", err)
	}

	rep := verifyURLs(t, src, dst, cfg)
	var text bytes.Buffer
	rep.WriteText(&text)
	t.Logf("correctly masked twin:\n%s", text.String())
	if !rep.OK() {
		t.Fatalf("a correctly masked pagila twin has leaks:\n%s", text.String())
	}
	for _, col := range []string{"public.customer.email", "public.customer.first_name+last_name", "public.address.phone",
		"public.staff.username", "public.address.address"} {
		if !contains(rep.SourceColumns, col) {
			t.Errorf("source column %s not collected: %q", col, rep.SourceColumns)
		}
	}
	for _, col := range []string{"public.actor.first_name", "public.city.city"} {
		if contains(rep.SourceColumns, col) {
			t.Errorf("kept column %s collected", col)
		}
	}
	if rep.Tables < 15 || rep.RowsScanned < 40000 || rep.Digests < 1000 {
		t.Errorf("scanned too little: %d tables, %d rows, %d digests", rep.Tables, rep.RowsScanned, rep.Digests)
	}

	// Plant leaks in the twin.
	cs := queryCustomers(t, src, 1, 2, 3, 4, 5, 10)
	phones := queryPhones(t, src, 5, 6)
	var sql bytes.Buffer
	// (a) an unmasked e-mail column for three customers.
	for _, id := range []int{1, 2, 3} {
		fmt.Fprintf(&sql, "UPDATE customer SET email = %s WHERE customer_id = %d;\n", quote(cs[id].email), id)
	}
	// (b) e-mails copied into JSON documents: a member and a key.
	fmt.Fprintf(&sql, `CREATE TABLE public.tickets (id serial PRIMARY KEY, payload jsonb);
INSERT INTO public.tickets (payload) VALUES (jsonb_build_object('contact', jsonb_build_object('email', %s))),
  (jsonb_build_object(%s, jsonb_build_object('seen', true))), ('{"contact": {"email": "nobody@nowhere.example"}}');
`, quote(cs[4].email), quote(cs[5].email))
	// (c) a customer's full name in a free-text note.
	fmt.Fprintf(&sql, `CREATE TABLE public.notes (id serial PRIMARY KEY, body text);
INSERT INTO public.notes (body) VALUES (%s), ('Nothing to report today.');
`, quote(fmt.Sprintf("Called %s %s about a late fee; will pay Friday.", cs[10].first, cs[10].last)))
	// (d) a masked column equal to the original for some rows.
	for _, id := range []int{5, 6} {
		fmt.Fprintf(&sql, "UPDATE address SET phone = %s WHERE address_id = %d;\n", quote(phones[id]), id)
	}
	dbtest.Exec(t, dst, sql.String())

	rep = verifyURLs(t, src, dst, cfg)
	text.Reset()
	rep.WriteText(&text)
	t.Logf("twin with planted leaks:\n%s", text.String())
	wantLeak(t, rep, "public.customer", "email", 3, "public.customer.email", "email")
	wantLeak(t, rep, "public.tickets", "payload", 2, "public.customer.email", "email")
	wantLeak(t, rep, "public.notes", "body", 1, "public.customer.first_name+last_name", "person_name")
	wantLeak(t, rep, "public.address", "phone", 2, "public.address.phone", "phone")
	if len(rep.Findings) != 4 {
		t.Errorf("findings %+v, want exactly 4 columns", rep.Findings)
	}
	var planted []string
	for _, c := range cs {
		planted = append(planted, c.email)
	}
	planted = append(planted, cs[10].last, phones[5], phones[6])
	assertNoRawValues(t, rep, planted...)
}
