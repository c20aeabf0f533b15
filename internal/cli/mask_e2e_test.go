package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

const testSecret = "e2e-test-secret-0123456789abcdef"

// maskCase is a fixture, extra SQL for the source and a config masking its
// personal data.
type maskCase struct {
	fixture, setup, config string
	// exact lists table.column whose original values must not appear in the
	// same column of the twin at all (emails, phones, addresses).
	exact []string
	// pk maps a table to its key, to compare masked cells with their own originals.
	pk map[string]string
}

var maskCases = []maskCase{
	{
		fixture: "chinook",
		setup:   `CREATE UNIQUE INDEX customer_lower_email ON customer (lower(email));`,
		config: `version: 1
mask:
  customer:
    first_name: first_name
    last_name: last_name
    email: email
    phone: phone
    fax: phone
    address: street_address
    city: city
    postal_code: postcode
  employee:
    first_name: first_name
    last_name: last_name
    email: email
    phone: phone
    fax: phone
    address: street_address
    city: city
    postal_code: postcode
    birth_date: {transformer: date, age_band: 10}
  invoice:
    billing_address: street_address
    billing_city: city
    billing_postal_code: postcode
keep: [track.composer]
`,
		exact: []string{"customer.email", "customer.phone", "customer.address", "employee.email", "employee.phone", "employee.address"},
		pk:    map[string]string{"customer": "customer_id", "employee": "employee_id"},
	},
	{
		fixture: "pagila",
		setup:   `CREATE UNIQUE INDEX customer_lower_email ON customer (lower(email));`,
		config: `version: 1
mask:
  customer:
    first_name: first_name
    last_name: last_name
    email: email
  staff:
    first_name: first_name
    last_name: last_name
    email: email
    username: username
    password: hash
    picture: "null"
  actor:
    first_name: first_name
    last_name: last_name
  address:
    address: street_address
    address2: street_address
    phone: phone
    postal_code: postcode
  city:
    city: city
`,
		exact: []string{"customer.email", "staff.email", "address.phone", "address.address"},
		pk:    map[string]string{"customer": "customer_id", "staff": "staff_id", "address": "address_id"},
	},
}

func TestMaskedCloneOfFixtures(t *testing.T) {
	t.Setenv("DBTWIN_SECRET", testSecret)
	for _, c := range maskCases {
		t.Run(c.fixture, func(t *testing.T) {
			src := dbtest.LoadPostgresFixture(t, c.fixture)
			dbtest.Exec(t, src, c.setup)
			cfg := filepath.Join(t.TempDir(), "dbtwin.yaml")
			if err := os.WriteFile(cfg, []byte(c.config), 0o644); err != nil {
				t.Fatal(err)
			}
			a, b := dbtest.Postgres(t), dbtest.Postgres(t)
			out := mustRun(t, "clone", "--source", src, "--target", a, "-c", cfg)
			if !strings.Contains(out, "leak scan: no original value found") {
				t.Fatalf("the clone did not report a clean leak scan:\n%s", out)
			}
			mustRun(t, "clone", "--source", src, "--target", b, "-c", cfg, "--jobs", "1")
			// The same clone twice gives byte-identical data.
			dbtest.CompareDigests(t, dbtest.PostgresDigests(t, a), dbtest.PostgresDigests(t, b))
			for _, ref := range c.exact {
				table, col, _ := strings.Cut(ref, ".")
				q := `SELECT DISTINCT ` + col + `::text FROM ` + table + ` WHERE ` + col + ` IS NOT NULL AND ` + col + ` <> ''`
				orig := columnValues(t, src, q)
				for v := range columnValues(t, a, q) {
					if orig[v] {
						t.Errorf("%s: an original value survived masking", ref)
						break
					}
				}
			}
			for table, pk := range c.pk {
				assertEveryCellChanged(t, src, a, table, pk, c.config)
			}
		})
	}
}

func columnValues(t *testing.T, dbURL, q string) map[string]bool {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out[s] = true
	}
	return out
}

// assertEveryCellChanged checks, row by row (joined on the key), that every
// masked text cell of the table differs from its original.
func assertEveryCellChanged(t *testing.T, src, twin, table, pk, config string) {
	t.Helper()
	var cols []string
	in := false
	for _, line := range strings.Split(config, "\n") {
		switch {
		case strings.HasPrefix(line, "  "+table+":"):
			in = true
		case in && strings.HasPrefix(line, "    "):
			name, rule, _ := strings.Cut(strings.TrimSpace(line), ":")
			if !strings.Contains(rule, "null") && !strings.Contains(rule, "date") && !strings.Contains(rule, "postcode") {
				cols = append(cols, name)
			}
		default:
			in = false
		}
	}
	read := func(u string) map[string]map[string]string {
		out := map[string]map[string]string{}
		for _, col := range cols {
			vals := map[string]string{}
			ctx := context.Background()
			c, err := pgx.Connect(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := c.Query(ctx, `SELECT `+pk+`::text, `+col+`::text FROM `+table+` WHERE `+col+` IS NOT NULL AND `+col+` <> ''`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var k, v string
				_ = rows.Scan(&k, &v)
				vals[k] = v
			}
			rows.Close()
			c.Close(ctx)
			out[col] = vals
		}
		return out
	}
	a, b := read(src), read(twin)
	for col, vals := range a {
		same := 0
		for k, v := range vals {
			if b[col][k] == v {
				same++
			}
		}
		// Dictionary fakes (names, cities) may pick, by chance, the value a row already had.
		limit := 0
		if strings.Contains(col, "name") || strings.Contains(col, "city") {
			limit = len(vals)/100 + 1
		}
		if same > limit {
			t.Errorf("%s.%s: %d of %d masked cells equal their original", table, col, same, len(vals))
		}
	}
}
