package postgres

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

func mustTable(t *testing.T, s *dbtwin.Schema, name string) *dbtwin.Table {
	t.Helper()
	tb := s.Table(name)
	if tb == nil {
		t.Fatalf("table %s not found; have %v", name, s.TableNames())
	}
	return tb
}

func mustColumn(t *testing.T, tb *dbtwin.Table, name string) *dbtwin.Column {
	t.Helper()
	c := tb.Column(name)
	if c == nil {
		t.Fatalf("column %s.%s not found", tb, name)
	}
	return c
}

func findKey(keys []*dbtwin.Key, name string) *dbtwin.Key {
	for _, k := range keys {
		if k.Name == name {
			return k
		}
	}
	return nil
}

func findFK(tb *dbtwin.Table, name string) *dbtwin.ForeignKey {
	for _, fk := range tb.ForeignKeys {
		if fk.Name == name {
			return fk
		}
	}
	return nil
}

func TestInspectPagila(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := dbtest.LoadPostgresFixture(t, "pagila")
	s, err := openSource(t, u).Inspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Engine != "postgres" {
		t.Errorf("engine %q", s.Engine)
	}
	names := s.TableNames()
	if len(s.Tables) != 22 {
		t.Errorf("want 15 tables + 7 partitions, got %d: %v", len(s.Tables), names)
	}
	var got []string
	for _, tb := range s.Tables {
		got = append(got, tb.QualifiedName())
	}
	if !sort.StringsAreSorted(got) {
		t.Errorf("tables not sorted by qualified name: %v", got)
	}
	fks := 0
	for _, tb := range s.Tables {
		fks += len(tb.ForeignKeys)
		if tb.RowEstimate != -1 {
			t.Errorf("%s: RowEstimate %d before ANALYZE, want -1", tb, tb.RowEstimate)
		}
	}
	if fks != 36 {
		t.Errorf("want 36 foreign keys, got %d", fks)
	}

	// Partitioned payment and its partitions.
	pay := mustTable(t, s, "public.payment")
	if !pay.Partitioned || pay.HasRows() || pay.PartitionOf != "" {
		t.Errorf("payment: Partitioned=%v PartitionOf=%q", pay.Partitioned, pay.PartitionOf)
	}
	if pay.PrimaryKey == nil || !slices.Equal(pay.PrimaryKey.Columns, []string{"payment_date", "payment_id"}) || !pay.PrimaryKey.Primary {
		t.Errorf("payment PK = %+v", pay.PrimaryKey)
	}
	parts := 0
	for _, tb := range s.Tables {
		if tb.PartitionOf == "public.payment" {
			parts++
			if tb.Partitioned || !tb.HasRows() {
				t.Errorf("%s should be a leaf partition", tb)
			}
		}
	}
	if parts != 7 {
		t.Errorf("want 7 partitions of payment, got %d", parts)
	}
	if p7 := mustTable(t, s, "public.payment_p2022_07"); len(p7.ForeignKeys) != 0 {
		t.Errorf("payment_p2022_07 has no FK in pagila, got %d", len(p7.ForeignKeys))
	}
	if fk := findFK(mustTable(t, s, "public.payment_p2022_01"), "payment_p2022_01_staff_id_fkey"); fk == nil ||
		fk.RefTable != "public.staff" || fk.OnDelete != "NO ACTION" {
		t.Errorf("payment_p2022_01 staff FK = %+v", fk)
	}

	// store <-> staff: staff.store_id is a declared FK; store.manager_staff_id
	// (the way back) is only a unique index in this fixture.
	staff := mustTable(t, s, "public.staff")
	if fk := findFK(staff, "staff_store_id_fkey"); fk == nil || fk.RefTable != "public.store" ||
		!slices.Equal(fk.Columns, []string{"store_id"}) || !slices.Equal(fk.RefColumns, []string{"store_id"}) {
		t.Errorf("staff_store_id_fkey = %+v", fk)
	}
	store := mustTable(t, s, "public.store")
	if k := findKey(store.Uniques, "idx_unq_manager_staff_id"); k == nil || k.Constraint || k.Primary ||
		!slices.Equal(k.Columns, []string{"manager_staff_id"}) {
		t.Errorf("store unique index = %+v", k)
	}
	if !store.IsUnique("manager_staff_id") {
		t.Error("store.manager_staff_id should be unique")
	}
	if k := findKey(mustTable(t, s, "public.rental").Uniques, "idx_unq_rental_rental_date_inventory_id_customer_id"); k == nil ||
		!slices.Equal(k.Columns, []string{"rental_date", "inventory_id", "customer_id"}) {
		t.Errorf("rental composite unique index = %+v", k)
	}
	if fk := findFK(mustTable(t, s, "public.address"), "address_city_id_fkey"); fk == nil || fk.OnDelete != "RESTRICT" || fk.OnUpdate != "CASCADE" {
		t.Errorf("address_city_id_fkey = %+v", fk)
	}

	// Enums and domains.
	if len(s.Enums) != 1 || s.Enums[0].Name != "mpaa_rating" || !slices.Equal(s.Enums[0].Values, []string{"G", "PG", "PG-13", "R", "NC-17"}) {
		t.Errorf("enums = %+v", s.Enums)
	}
	doms := map[string]*dbtwin.Domain{}
	for _, d := range s.Domains {
		doms[d.Name] = d
	}
	if d := doms["year"]; d == nil || d.BaseType != "integer" || len(d.Checks) != 1 || !strings.Contains(d.Checks[0], "VALUE >= 1901") {
		t.Errorf("domain year = %+v", d)
	}
	if d := doms["bıgınt"]; d == nil || d.BaseType != "bigint" || d.Schema != "public" {
		t.Errorf("domain bıgınt = %+v", d)
	}

	film := mustTable(t, s, "public.film")
	checks := []struct {
		col   string
		typ   string
		kind  dbtwin.Kind
		nulls bool
	}{
		{"film_id", "integer", dbtwin.KindInt, false},
		{"release_year", "year", dbtwin.KindInt, true}, // domain resolved to its base kind
		{"rating", "mpaa_rating", dbtwin.KindEnum, true},
		{"rental_rate", "numeric(4,2)", dbtwin.KindNumeric, false},
		{"last_update", "timestamp with time zone", dbtwin.KindTimestampTZ, false},
		{"special_features", "text[]", dbtwin.KindArray, true},
		{"fulltext", "tsvector", dbtwin.KindOther, false},
		{"title", "text", dbtwin.KindText, false},
	}
	for _, c := range checks {
		col := mustColumn(t, film, c.col)
		if col.Type != c.typ || col.Kind != c.kind || col.Nullable != c.nulls {
			t.Errorf("film.%s = %q %v nullable=%v, want %q %v %v", c.col, col.Type, col.Kind, col.Nullable, c.typ, c.kind, c.nulls)
		}
	}
	if c := mustColumn(t, film, "rating"); !slices.Equal(c.EnumValues, []string{"G", "PG", "PG-13", "R", "NC-17"}) || c.Default != "'G'::mpaa_rating" {
		t.Errorf("film.rating = %+v", c)
	}
	if c := mustColumn(t, film, "rental_rate"); c.Precision != 4 || c.Scale != 2 {
		t.Errorf("film.rental_rate precision/scale = %d/%d", c.Precision, c.Scale)
	}
	if c := mustColumn(t, film, "film_id"); !strings.Contains(c.Default, "nextval('film_film_id_seq'") {
		t.Errorf("film.film_id default = %q", c.Default)
	}
	if c := mustColumn(t, mustTable(t, s, "public.customer"), "email"); c.Type != "text" || c.Kind != dbtwin.KindText {
		t.Errorf("customer.email = %+v", c)
	}
	if c := mustColumn(t, mustTable(t, s, "public.customer"), "activebool"); c.Type != "boolean" || c.Kind != dbtwin.KindBool || c.Default != "true" {
		t.Errorf("customer.activebool = %+v", c)
	}
	seqs := map[string]string{}
	for _, sq := range s.Sequences {
		seqs[sq.Name] = sq.OwnedBy
	}
	if len(s.Sequences) != 13 || seqs["payment_payment_id_seq"] != "public.payment.payment_id" || seqs["actor_actor_id_seq"] != "public.actor.actor_id" {
		t.Errorf("sequences = %v", seqs)
	}

	// Views and the materialized view are not tables.
	for _, v := range []string{"public.actor_info", "public.rental_by_category", "public.customer_list"} {
		if s.Table(v) != nil {
			t.Errorf("%s is a view, not a table", v)
		}
	}

	// RowEstimate follows pg_class.reltuples once analyzed.
	dbtest.Exec(t, u, "ANALYZE public.actor")
	s2, err := openSource(t, u).Inspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := mustTable(t, s2, "public.actor").RowEstimate; n != 200 {
		t.Errorf("actor RowEstimate after ANALYZE = %d, want 200", n)
	}
}

func TestInspectWorldIdentity(t *testing.T) {
	t.Parallel()
	u := dbtest.LoadPostgresFixture(t, "world")
	s, err := openSource(t, u).Inspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c := mustColumn(t, mustTable(t, s, "public.city"), "id"); c.Identity != "by default" || c.Default != "" {
		t.Errorf("city.id = %+v", c)
	}
	if c := mustColumn(t, mustTable(t, s, "public.country"), "code"); c.Type != "character(3)" || c.MaxLength != 3 {
		t.Errorf("country.code = %+v", c)
	}
	// city <-> country cycle.
	if fk := findFK(mustTable(t, s, "public.country"), "country_capital_fkey"); fk == nil || fk.RefTable != "public.city" {
		t.Errorf("country_capital_fkey = %+v", fk)
	}
	if fk := findFK(mustTable(t, s, "public.city"), "country_fk"); fk == nil || fk.RefTable != "public.country" {
		t.Errorf("country_fk = %+v", fk)
	}
	if len(s.Sequences) != 1 || s.Sequences[0].OwnedBy != "public.city.id" {
		t.Errorf("sequences = %+v", s.Sequences)
	}
}

// handmadeSchema exercises what the fixtures lack.
const handmadeSchema = `
CREATE SCHEMA shop;
CREATE TYPE shop.status AS ENUM ('new', 'paid', 'shipped');
CREATE DOMAIN shop.email AS text CHECK (VALUE LIKE '%@%');
CREATE DOMAIN shop.money2 AS numeric(12,2);
CREATE DOMAIN shop.positive_money AS shop.money2 NOT NULL CHECK (VALUE > 0);
CREATE TABLE shop.users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  junk int,
  email shop.email NOT NULL,
  national_id varchar(20) UNIQUE,
  first_name text,
  last_name text,
  full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED,
  status shop.status NOT NULL DEFAULT 'new',
  balance numeric(12,2) CHECK (balance >= 0),
  credit shop.positive_money,
  deleted_at timestamptz
);
ALTER TABLE shop.users DROP COLUMN junk;
CREATE UNIQUE INDEX users_email_lower ON shop.users (lower(email));
CREATE UNIQUE INDEX users_active_national ON shop.users (national_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX users_name_ci ON shop.users (last_name, lower(first_name));
CREATE TABLE shop.orders (
  user_id bigint NOT NULL REFERENCES shop.users (id) ON DELETE CASCADE,
  order_no int NOT NULL,
  placed date,
  PRIMARY KEY (user_id, order_no)
);
CREATE TABLE shop.order_lines (
  user_id bigint,
  order_no int,
  line int,
  national_id varchar(20) REFERENCES shop.users (national_id) DEFERRABLE INITIALLY DEFERRED,
  parent_line int,
  PRIMARY KEY (user_id, order_no, line),
  CONSTRAINT order_lines_order_fk FOREIGN KEY (user_id, order_no) REFERENCES shop.orders (user_id, order_no) ON UPDATE SET NULL,
  CONSTRAINT order_lines_parent_fk FOREIGN KEY (user_id, order_no, parent_line) REFERENCES shop.order_lines (user_id, order_no, line)
);
CREATE TABLE shop.audit_log (
  at timestamptz DEFAULT now(),
  payload jsonb,
  blob bytea,
  tags text[],
  u uuid,
  t time,
  d interval,
  f double precision,
  ok boolean
);
CREATE SEQUENCE shop.loose_seq;
`

func TestInspectHandmade(t *testing.T) {
	t.Parallel()
	u := dbtest.Postgres(t)
	dbtest.Exec(t, u, handmadeSchema)
	s, err := openSource(t, u).Inspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := s.TableNames(); !slices.Equal(got, []string{"shop.audit_log", "shop.order_lines", "shop.orders", "shop.users"}) {
		t.Fatalf("tables = %v", got)
	}
	users := mustTable(t, s, "shop.users")
	if len(users.Columns) != 10 {
		t.Errorf("users has %d columns (dropped column must not show)", len(users.Columns))
	}
	if c := mustColumn(t, users, "id"); c.Identity != "always" || c.Kind != dbtwin.KindInt || c.Nullable {
		t.Errorf("users.id = %+v", c)
	}
	if c := mustColumn(t, users, "email"); c.Type != "shop.email" || c.Kind != dbtwin.KindText || c.Nullable {
		t.Errorf("users.email = %+v", c)
	}
	if c := mustColumn(t, users, "national_id"); c.Type != "character varying(20)" || c.MaxLength != 20 {
		t.Errorf("users.national_id = %+v", c)
	}
	if c := mustColumn(t, users, "full_name"); c.Generated != "((first_name || ' '::text) || last_name)" || c.Default != "" {
		t.Errorf("users.full_name = %+v", c)
	}
	if cols := users.CopyColumns(); len(cols) != 9 {
		t.Errorf("CopyColumns must leave out the generated column: %d", len(cols))
	}
	if c := mustColumn(t, users, "status"); c.Kind != dbtwin.KindEnum || !slices.Equal(c.EnumValues, []string{"new", "paid", "shipped"}) ||
		c.Default != "'new'::shop.status" {
		t.Errorf("users.status = %+v", c)
	}
	if c := mustColumn(t, users, "balance"); c.Precision != 12 || c.Scale != 2 || c.Kind != dbtwin.KindNumeric {
		t.Errorf("users.balance = %+v", c)
	}
	// A domain over a domain over numeric(12,2).
	if c := mustColumn(t, users, "credit"); c.Kind != dbtwin.KindNumeric || c.Precision != 12 || c.Scale != 2 || c.Type != "shop.positive_money" {
		t.Errorf("users.credit = %+v", c)
	}
	if len(users.Checks) != 1 || users.Checks[0].Name != "users_balance_check" || users.Checks[0].Expr != "balance >= 0::numeric" {
		t.Errorf("users checks = %+v", users.Checks)
	}
	if pk := users.PrimaryKey; pk == nil || pk.Name != "users_pkey" || !pk.Constraint || !slices.Equal(pk.Columns, []string{"id"}) {
		t.Errorf("users PK = %+v", pk)
	}
	if k := findKey(users.Uniques, "users_national_id_key"); k == nil || !k.Constraint || k.Partial || !slices.Equal(k.Columns, []string{"national_id"}) {
		t.Errorf("users_national_id_key = %+v", k)
	}
	if k := findKey(users.Uniques, "users_email_lower"); k == nil || k.Constraint || !slices.Equal(k.Columns, []string{"email"}) ||
		!slices.Equal(k.Expressions, []string{"lower(email::text)"}) {
		t.Errorf("users_email_lower = %+v", k)
	}
	if k := findKey(users.Uniques, "users_active_national"); k == nil || !k.Partial || k.Where != "deleted_at IS NULL" || k.Constraint ||
		!slices.Equal(k.Columns, []string{"national_id"}) {
		t.Errorf("users_active_national = %+v", k)
	}
	if k := findKey(users.Uniques, "users_name_ci"); k == nil || !slices.Equal(k.Columns, []string{"last_name", "first_name"}) ||
		!slices.Equal(k.Expressions, []string{"lower(first_name)"}) {
		t.Errorf("users_name_ci = %+v", k)
	}
	if !users.IsUnique("email") || !users.IsUnique("national_id") || users.IsUnique("first_name") || !users.InUniqueKey("first_name") {
		t.Error("IsUnique/InUniqueKey disagree with the keys")
	}

	orders := mustTable(t, s, "shop.orders")
	if pk := orders.PrimaryKey; pk == nil || !slices.Equal(pk.Columns, []string{"user_id", "order_no"}) {
		t.Errorf("orders PK = %+v", pk)
	}
	if fk := findFK(orders, "orders_user_id_fkey"); fk == nil || fk.OnDelete != "CASCADE" || fk.OnUpdate != "NO ACTION" || fk.RefTable != "shop.users" {
		t.Errorf("orders FK = %+v", fk)
	}

	lines := mustTable(t, s, "shop.order_lines")
	if fk := findFK(lines, "order_lines_order_fk"); fk == nil || !slices.Equal(fk.Columns, []string{"user_id", "order_no"}) ||
		!slices.Equal(fk.RefColumns, []string{"user_id", "order_no"}) || fk.OnUpdate != "SET NULL" || fk.Deferrable {
		t.Errorf("composite FK = %+v", fk)
	}
	if fk := findFK(lines, "order_lines_parent_fk"); fk == nil || fk.RefTable != "shop.order_lines" ||
		!slices.Equal(fk.Columns, []string{"user_id", "order_no", "parent_line"}) || !slices.Equal(fk.RefColumns, []string{"user_id", "order_no", "line"}) {
		t.Errorf("self FK = %+v", fk)
	}
	if fk := findFK(lines, "order_lines_national_id_fkey"); fk == nil || fk.RefTable != "shop.users" ||
		!slices.Equal(fk.RefColumns, []string{"national_id"}) || !fk.Deferrable || !fk.InitiallyDeferred {
		t.Errorf("deferrable FK to a unique non-PK column = %+v", fk)
	}
	if refs := s.Referencing("shop.users"); len(refs) != 2 {
		t.Errorf("Referencing(shop.users) = %d", len(refs))
	}

	audit := mustTable(t, s, "shop.audit_log")
	if audit.PrimaryKey != nil || len(audit.Uniques) != 0 {
		t.Errorf("audit_log has no key: %+v", audit.PrimaryKey)
	}
	kinds := map[string]dbtwin.Kind{"at": dbtwin.KindTimestampTZ, "payload": dbtwin.KindJSON, "blob": dbtwin.KindBytes,
		"tags": dbtwin.KindArray, "u": dbtwin.KindUUID, "t": dbtwin.KindTime, "d": dbtwin.KindInterval, "f": dbtwin.KindFloat, "ok": dbtwin.KindBool}
	for col, k := range kinds {
		if c := mustColumn(t, audit, col); c.Kind != k {
			t.Errorf("audit_log.%s kind = %v, want %v", col, c.Kind, k)
		}
	}
	if c := mustColumn(t, audit, "at"); c.Default != "now()" {
		t.Errorf("audit_log.at default = %q", c.Default)
	}

	seqs := map[string]string{}
	for _, sq := range s.Sequences {
		seqs[sq.Schema+"."+sq.Name] = sq.OwnedBy
	}
	if len(seqs) != 2 || seqs["shop.users_id_seq"] != "shop.users.id" || seqs["shop.loose_seq"] != "" {
		t.Errorf("sequences = %v", seqs)
	}
	if len(s.Enums) != 1 || s.Enums[0].Schema != "shop" {
		t.Errorf("enums = %+v", s.Enums)
	}
	doms := map[string]*dbtwin.Domain{}
	for _, d := range s.Domains {
		doms[d.Name] = d
	}
	if d := doms["positive_money"]; d == nil || !d.NotNull || d.BaseType != "shop.money2" || len(d.Checks) != 1 {
		t.Errorf("domain positive_money = %+v", d)
	}
	if d := doms["email"]; d == nil || len(d.Checks) != 1 || !strings.Contains(d.Checks[0], "~~") {
		t.Errorf("domain email = %+v", d)
	}
}
