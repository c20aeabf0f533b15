package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/snapshot"
)

// A masked snapshot of Pagila restores into a database identical, table by
// table, to a direct clone with the same config and secret; the restore
// needs neither the source nor the secret.
func TestSnapshotPagilaRestoresLikeClone(t *testing.T) {
	c := maskCases[1]
	if c.fixture != "pagila" {
		t.Fatal("maskCases[1] is not pagila")
	}
	t.Setenv("DBTWIN_SECRET", testSecret)
	src := dbtest.LoadPostgresFixture(t, c.fixture)
	dbtest.Exec(t, src, c.setup)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "dbtwin.yaml")
	if err := os.WriteFile(cfg, []byte(c.config), 0o644); err != nil {
		t.Fatal(err)
	}
	direct, restored := dbtest.Postgres(t), dbtest.Postgres(t)
	mustRun(t, "clone", "--source", src, "--target", direct, "-c", cfg)
	snap := filepath.Join(dir, "pagila.dbtwin")
	out := mustRun(t, "snapshot", "create", "--source", src, "-c", cfg, "-o", snap)
	if !strings.Contains(out, "leak scan: no original value found") {
		t.Fatalf("snapshot create did not report a clean leak scan:\n%s", out)
	}
	// No source, no secret from here on.
	t.Setenv("DBTWIN_SECRET", "")
	out = mustRun(t, "snapshot", "restore", snap, "--target", restored, "--jobs", "2")
	if !strings.Contains(out, "verified: row counts match") {
		t.Fatalf("restore did not verify:\n%s", out)
	}
	dbtest.CompareDigests(t, dbtest.PostgresDigests(t, direct), dbtest.PostgresDigests(t, restored))
	// Indexes, constraints and sequences came back too.
	for _, q := range []string{
		`SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'`,
		`SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'`,
		`SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal`,
		`SELECT last_value FROM customer_customer_id_seq`,
	} {
		if a, b := dbtest.QueryString(t, direct, q), dbtest.QueryString(t, restored, q); a != b {
			t.Errorf("%s: clone %s, restore %s", q, a, b)
		}
	}

	// inspect: JSON names the engine, the masked columns and the leak scan.
	out = mustRun(t, "snapshot", "inspect", snap, "--format", "json")
	var info snapshot.Info
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		t.Fatalf("inspect --format json: %v\n%s", err, out)
	}
	if info.Version != 1 || info.Engine != "postgres" || info.LeakScan == nil || !info.LeakScan.OK || info.ConfigDigest == "" ||
		!strings.HasPrefix(info.Source, "postgres://") || info.ServerVersion == "" || info.Rows == 0 {
		t.Errorf("inspect: unexpected %+v", info)
	}
	if !contains(info.Masked, "public.customer.email") {
		t.Errorf("inspect: masked columns %v lack public.customer.email", info.Masked)
	}
	if strings.Contains(out, "first_name\": \"") {
		t.Errorf("inspect output holds values")
	}
	text := mustRun(t, "snapshot", "inspect", snap)
	for _, want := range []string{"checksums OK", "public.customer", "leak scan   passed"} {
		if !strings.Contains(text, want) {
			t.Errorf("inspect text lacks %q:\n%s", want, text)
		}
	}

	// A PostgreSQL snapshot does not restore into SQLite.
	code, _, errOut := run(t, "snapshot", "restore", snap, "--target", filepath.Join(dir, "x.db"))
	if code != ExitError || !strings.Contains(errOut, "restore it into a postgres database") {
		t.Errorf("restore into another engine: exit %d, %s", code, errOut)
	}
	// Restoring into a database with tables needs --replace.
	code, _, errOut = run(t, "snapshot", "restore", snap, "--target", restored)
	if code != ExitError || !strings.Contains(errOut, "--replace") {
		t.Errorf("restore over a full target: exit %d, %s", code, errOut)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// SQLite: a masked snapshot of Chinook through standard output and
// standard input restores with the same digests as a direct clone.
func TestSnapshotChinookSQLiteThroughPipes(t *testing.T) {
	t.Setenv("DBTWIN_SECRET", testSecret)
	dir := t.TempDir()
	src := dbtest.CopyFile(t, dbtest.SQLiteFixture(t, "chinook"))
	cfg := filepath.Join(dir, "dbtwin.yaml")
	if err := os.WriteFile(cfg, []byte(chinookSQLiteConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	direct, restored := filepath.Join(dir, "direct.db"), filepath.Join(dir, "restored.db")
	mustRun(t, "clone", "--source", src, "--target", direct, "-c", cfg)

	var stream, errOut bytes.Buffer
	code := Run(context.Background(), []string{"snapshot", "create", "--source", src, "-c", cfg, "-o", "-"}, strings.NewReader(""), &stream, &errOut)
	if code != 0 {
		t.Fatalf("snapshot create -o -: exit %d\n%s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "leak scan: no original value found") {
		t.Errorf("the report did not go to standard error:\n%s", errOut.String())
	}
	t.Setenv("DBTWIN_SECRET", "")
	var out bytes.Buffer
	errOut.Reset()
	code = Run(context.Background(), []string{"snapshot", "restore", "-", "--target", restored}, bytes.NewReader(stream.Bytes()), &out, &errOut)
	if code != 0 {
		t.Fatalf("snapshot restore -: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	dbtest.CompareDigests(t, dbtest.SQLiteDigests(t, direct), dbtest.SQLiteDigests(t, restored))
}

// A truncated, bit-flipped or wrong-version snapshot is refused with exit 2
// naming the problem, and the target is left untouched.
func TestSnapshotDamagedIsRefused(t *testing.T) {
	dir := t.TempDir()
	src := dbtest.CopyFile(t, dbtest.SQLiteFixture(t, "chinook"))
	good := filepath.Join(dir, "good.dbtwin")
	mustRun(t, "snapshot", "create", "--source", src, "--strict=false", "-o", good)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	f, err := snapshot.Open(good)
	if err != nil {
		t.Fatal(err)
	}
	chunk := f.Manifest.Tables[0].Chunks[0]
	f.Close()
	flip := bytes.Clone(data)
	flip[chunk.Offset+chunk.Length/2] ^= 0x10
	version := bytes.Clone(data)
	version[len(snapshot.Magic)+1] = 9
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", data[:len(data)-100], "truncated"},
		{"truncated in the middle", data[:len(data)/2], "truncated"},
		{"bit flip", flip, "chunk 1 of 1 fails its SHA-256 checksum"},
		{"wrong version", version, "format version 9, newer than this dbtwin reads"},
		{"not a snapshot", []byte("SQLite format 3\x00 and more"), "not a dbtwin snapshot"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.dbtwin")
			if err := os.WriteFile(path, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(t.TempDir(), "twin.db")
			if err := os.WriteFile(target, []byte("untouched"), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"snapshot", "restore", path, "--target", target, "--replace"},
				{"snapshot", "inspect", path},
			} {
				code, _, errOut := run(t, args...)
				if code != ExitError || !strings.Contains(errOut, c.want) {
					t.Errorf("%s: exit %d, want 2 with %q; stderr: %s", args[1], code, c.want, errOut)
				}
			}
			// From standard input too.
			var out, errOut bytes.Buffer
			code := Run(context.Background(), []string{"snapshot", "restore", "-", "--target", target, "--replace"}, bytes.NewReader(c.data), &out, &errOut)
			if code != ExitError || !strings.Contains(errOut.String(), c.want) {
				t.Errorf("restore -: exit %d, want 2 with %q; stderr: %s", code, c.want, errOut.String())
			}
			if b, _ := os.ReadFile(target); string(b) != "untouched" {
				t.Errorf("the target was changed")
			}
		})
	}
}

const chinookSQLiteConfig = `version: 1
mask:
  Customer:
    FirstName: first_name
    LastName: last_name
    Email: email
    Phone: phone
    Fax: phone
    Address: street_address
    City: city
    PostalCode: postcode
  Employee:
    FirstName: first_name
    LastName: last_name
    Email: email
    Phone: phone
    Fax: phone
    Address: street_address
    City: city
    PostalCode: postcode
    BirthDate: {transformer: date, age_band: 10}
  Invoice:
    BillingAddress: street_address
    BillingCity: city
    BillingPostalCode: postcode
keep: [Track.Composer]
`

// Fidelity checks run against the aggregates a snapshot recorded with
// --checks (fan-out and profile here; overlap in the workflow test); a
// snapshot made without them says how to record them.
func TestSnapshotRecordedBaseline(t *testing.T) {
	dir := t.TempDir()
	src := dbtest.CopyFile(t, dbtest.SQLiteFixture(t, "chinook"))
	checks := filepath.Join(dir, "checks.yaml")
	if err := os.WriteFile(checks, []byte(`version: 1
checks:
  - name: invoices per customer as in production
    fanout: {from: "Invoice(CustomerId)", to: "Customer(CustomerId)", tolerance: 0.01}
  - name: company shape as in production
    profile: {table: Customer, column: Company, null_fraction: 0.01, distinct_ratio: 0.01}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	with, without := filepath.Join(dir, "with.dbtwin"), filepath.Join(dir, "without.dbtwin")
	mustRun(t, "snapshot", "create", "--source", src, "--strict=false", "--checks", checks, "-o", with)
	mustRun(t, "snapshot", "create", "--source", src, "--strict=false", "-o", without)
	twin := filepath.Join(dir, "twin.db")
	mustRun(t, "snapshot", "restore", with, "--target", twin)
	if err := os.Remove(src); err != nil { // production is gone
		t.Fatal(err)
	}
	out := mustRun(t, "check", "--db", twin, checks, "--baseline", with)
	for _, want := range []string{"invoices per customer as in production", "company shape as in production"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	code, _, errOut := run(t, "check", "--db", twin, checks, "--baseline", without)
	if code != ExitError || !strings.Contains(errOut, "records no fidelity baseline") || !strings.Contains(errOut, "--checks") {
		t.Errorf("baseline from a snapshot without --checks: exit %d, %s", code, errOut)
	}
	if !strings.Contains(mustRun(t, "snapshot", "inspect", with, "--format", "json"), `"baseline": true`) {
		t.Errorf("inspect does not show the recorded baseline")
	}
}
