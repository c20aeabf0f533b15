package sqlite

import (
	"context"
	"reflect"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

func inspectFile(t *testing.T, path string) *dbtwin.Schema {
	t.Helper()
	ctx := context.Background()
	src, err := dbtwin.OpenSource(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	s, err := src.Inspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustTable(t *testing.T, s *dbtwin.Schema, name string) *dbtwin.Table {
	t.Helper()
	tbl := s.Table(name)
	if tbl == nil {
		t.Fatalf("no table %q in %v", name, s.TableNames())
	}
	return tbl
}

func fkTo(t *testing.T, tbl *dbtwin.Table, ref string) *dbtwin.ForeignKey {
	t.Helper()
	for _, fk := range tbl.ForeignKeys {
		if fk.RefTable == ref {
			return fk
		}
	}
	t.Fatalf("%s has no foreign key to %s: %+v", tbl.Name, ref, tbl.ForeignKeys)
	return nil
}

func TestInspectChinook(t *testing.T) {
	s := inspectFile(t, dbtest.SQLiteFixture(t, "chinook"))
	want := []string{"Album", "Artist", "Customer", "Employee", "Genre", "Invoice", "InvoiceLine",
		"MediaType", "Playlist", "PlaylistTrack", "Track"}
	if got := s.TableNames(); !reflect.DeepEqual(got, want) {
		t.Fatalf("tables = %v, want %v", got, want)
	}
	if s.Engine != "sqlite" {
		t.Errorf("engine = %q", s.Engine)
	}
	emp := mustTable(t, s, "Employee")
	fk := fkTo(t, emp, "Employee")
	if !reflect.DeepEqual(fk.Columns, []string{"ReportsTo"}) || !reflect.DeepEqual(fk.RefColumns, []string{"EmployeeId"}) {
		t.Errorf("Employee self-FK = %+v", fk)
	}
	if emp.PrimaryKey == nil || emp.PrimaryKey.Name != "PK_Employee" || !reflect.DeepEqual(emp.PrimaryKey.Columns, []string{"EmployeeId"}) {
		t.Errorf("Employee PK = %+v", emp.PrimaryKey)
	}
	if c := emp.Column("EmployeeId"); c.Identity != "by default" || c.Nullable || c.Kind != dbtwin.KindInt {
		t.Errorf("EmployeeId (rowid alias) = %+v", c)
	}
	if c := emp.Column("BirthDate"); c.Kind != dbtwin.KindTimestamp {
		t.Errorf("BirthDate kind = %v", c.Kind)
	}
	if c := emp.Column("LastName"); c.Kind != dbtwin.KindText || c.MaxLength != 20 || c.Nullable {
		t.Errorf("LastName = %+v", c)
	}
	inv := mustTable(t, s, "Invoice")
	if c := inv.Column("Total"); c.Kind != dbtwin.KindNumeric || c.Precision != 10 || c.Scale != 2 {
		t.Errorf("Invoice.Total = %+v", c)
	}
	pt := mustTable(t, s, "PlaylistTrack")
	if pt.PrimaryKey == nil || !reflect.DeepEqual(pt.PrimaryKey.Columns, []string{"PlaylistId", "TrackId"}) {
		t.Errorf("PlaylistTrack PK = %+v", pt.PrimaryKey)
	}
	if c := pt.Column("PlaylistId"); c.Identity != "" {
		t.Errorf("a composite PK column is no rowid alias: %+v", c)
	}
	if len(pt.ForeignKeys) != 2 || len(pt.Uniques) != 0 {
		t.Errorf("PlaylistTrack FKs = %+v, uniques = %+v", pt.ForeignKeys, pt.Uniques)
	}
	for _, tbl := range s.Tables {
		if tbl.RowEstimate != -1 {
			t.Errorf("%s RowEstimate = %d without sqlite_stat1", tbl.Name, tbl.RowEstimate)
		}
	}
}

func TestInspectNorthwind(t *testing.T) {
	s := inspectFile(t, dbtest.SQLiteFixture(t, "northwind"))
	want := []string{"Categories", "CustomerCustomerDemo", "CustomerDemographics", "Customers", "EmployeeTerritories",
		"Employees", "Order Details", "Orders", "Products", "Regions", "Shippers", "Suppliers", "Territories"}
	if got := s.TableNames(); !reflect.DeepEqual(got, want) {
		t.Fatalf("tables = %v, want %v (views and sqlite_sequence must not be listed)", got, want)
	}
	od := mustTable(t, s, "Order Details")
	if od.QualifiedName() != "Order Details" {
		t.Errorf("qualified name = %q", od.QualifiedName())
	}
	if od.PrimaryKey == nil || !reflect.DeepEqual(od.PrimaryKey.Columns, []string{"OrderID", "ProductID"}) {
		t.Errorf("Order Details PK = %+v", od.PrimaryKey)
	}
	fk := fkTo(t, od, "Orders")
	if !reflect.DeepEqual(fk.RefColumns, []string{"OrderID"}) || fk.OnDelete != "NO ACTION" {
		t.Errorf("Order Details -> Orders = %+v", fk)
	}
	fkTo(t, od, "Products")
	if len(od.Checks) != 3 || od.Checks[1].Expr != "[Quantity]>(0)" {
		t.Errorf("Order Details checks = %+v", od.Checks)
	}
	if c := od.Column("UnitPrice"); c.Default != "0" || c.Kind != dbtwin.KindNumeric {
		t.Errorf("UnitPrice = %+v", c)
	}
	emp := mustTable(t, s, "Employees")
	fkTo(t, emp, "Employees")
	if c := emp.Column("Photo"); c.Kind != dbtwin.KindBytes {
		t.Errorf("Photo kind = %v", c.Kind)
	}
	if c := mustTable(t, s, "Orders").Column("OrderID"); c.Identity != "by default" {
		t.Errorf("Orders.OrderID = %+v", c)
	}
	cust := mustTable(t, s, "Customers")
	if cust.PrimaryKey == nil || cust.PrimaryKey.Columns[0] != "CustomerID" || cust.Column("CustomerID").Identity != "" {
		t.Errorf("Customers PK = %+v", cust.PrimaryKey)
	}
}

func TestInspectHandmade(t *testing.T) {
	s := inspectFile(t, makeDB(t, "hand.db", handmadeSQL))
	want := []string{"accounts", "audit", "events", "notes", `office "hq" list`, "regions"}
	if got := s.TableNames(); !reflect.DeepEqual(got, want) {
		t.Fatalf("tables = %v, want %v", got, want)
	}
	acc := mustTable(t, s, "accounts")
	kinds := map[string]dbtwin.Kind{"id": dbtwin.KindInt, "email": dbtwin.KindText, "code": dbtwin.KindText,
		"created": dbtwin.KindTimestamp, "active": dbtwin.KindBool, "profile": dbtwin.KindJSON,
		"uid": dbtwin.KindUUID, "balance": dbtwin.KindNumeric}
	for name, k := range kinds {
		if c := acc.Column(name); c == nil || c.Kind != k {
			t.Errorf("accounts.%s = %+v, want kind %v", name, c, k)
		}
	}
	if c := acc.Column("code"); c.MaxLength != 12 {
		t.Errorf("code MaxLength = %d", c.MaxLength)
	}
	if c := acc.Column("created"); c.Default != "CURRENT_TIMESTAMP" {
		t.Errorf("created default = %q", c.Default)
	}
	if len(acc.Uniques) != 3 {
		t.Fatalf("accounts uniques = %+v", acc.Uniques)
	}
	partial, lower, code := acc.Uniques[0], acc.Uniques[1], acc.Uniques[2]
	if partial.Name != "accounts_active_uid" || !partial.Partial || partial.Where != "active = 1" ||
		!reflect.DeepEqual(partial.Columns, []string{"uid"}) || partial.Constraint {
		t.Errorf("partial unique index = %+v", partial)
	}
	if lower.Name != "accounts_email_lower" || !reflect.DeepEqual(lower.Expressions, []string{"lower(email)"}) ||
		!reflect.DeepEqual(lower.Columns, []string{"email"}) {
		t.Errorf("expression unique index = %+v", lower)
	}
	if !reflect.DeepEqual(code.Columns, []string{"code"}) || !code.Constraint || len(code.Expressions) != 0 {
		t.Errorf("UNIQUE constraint = %+v", code)
	}
	if !acc.IsUnique("email") || !acc.IsUnique("code") {
		t.Error("email and code should count as unique")
	}
	if len(acc.Checks) != 1 || acc.Checks[0].Name != "email_has_at" || acc.Checks[0].Expr != "email LIKE '%@%'" {
		t.Errorf("accounts checks = %+v", acc.Checks)
	}

	office := mustTable(t, s, `office "hq" list`)
	byCode := fkTo(t, office, "accounts")
	if !reflect.DeepEqual(byCode.RefColumns, []string{"code"}) || byCode.OnDelete != "SET NULL" {
		t.Errorf("FK to a UNIQUE column = %+v", byCode)
	}
	comp := fkTo(t, office, "regions")
	if comp.Name != "office_region" || !reflect.DeepEqual(comp.Columns, []string{"country", "region"}) ||
		!reflect.DeepEqual(comp.RefColumns, []string{"country", "code"}) || !comp.Deferrable || !comp.InitiallyDeferred {
		t.Errorf("composite FK = %+v", comp)
	}
	if c := office.Column("label"); c.Generated != "country || '/' || region" {
		t.Errorf("virtual generated column = %+v", c)
	}
	if len(office.CopyColumns()) != 4 {
		t.Errorf("copy columns = %d, want 4 (generated excluded)", len(office.CopyColumns()))
	}

	notes := mustTable(t, s, "notes")
	toAcc := fkTo(t, notes, "accounts")
	if !reflect.DeepEqual(toAcc.RefColumns, []string{"id"}) || toAcc.Name != "notes_account_id_fkey" {
		t.Errorf("FK without columns must resolve to the parent's PK: %+v", toAcc)
	}
	if c := notes.Column("body_len"); c.Generated != "length(body)" {
		t.Errorf("stored generated column = %+v", c)
	}
	if c := notes.Column("extra"); c.Kind != dbtwin.KindOther || c.Type != "" {
		t.Errorf("untyped column = %+v", c)
	}
	if len(notes.Checks) != 1 || notes.Checks[0].Expr != "score >= 0 OR score IS NULL" || notes.Checks[0].Name != "notes_check1" {
		t.Errorf("column CHECK = %+v", notes.Checks)
	}

	if ev := mustTable(t, s, "events"); ev.PrimaryKey != nil || len(ev.Uniques) != 0 {
		t.Errorf("events has no key: %+v", ev.PrimaryKey)
	}
	reg := mustTable(t, s, "regions")
	if reg.PrimaryKey == nil || !reflect.DeepEqual(reg.PrimaryKey.Columns, []string{"country", "code"}) || reg.Column("code").Nullable {
		t.Errorf("WITHOUT ROWID PK = %+v", reg.PrimaryKey)
	}
}

func TestInspectRowEstimateFromStat1(t *testing.T) {
	path := makeDB(t, "stat.db", `CREATE TABLE a (x INTEGER PRIMARY KEY, y TEXT UNIQUE);
		INSERT INTO a (y) VALUES ('1'), ('2'), ('3'); CREATE TABLE b (z); ANALYZE;`)
	s := inspectFile(t, path)
	if got := mustTable(t, s, "a").RowEstimate; got != 3 {
		t.Errorf("a RowEstimate = %d, want 3", got)
	}
	if got := mustTable(t, s, "b").RowEstimate; got != -1 {
		t.Errorf("b (empty, no stat row) RowEstimate = %d, want -1", got)
	}
}
