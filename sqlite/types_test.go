package sqlite

import (
	"math"
	"reflect"
	"testing"

	"github.com/dbtwin/dbtwin"
)

func TestAffinityOf(t *testing.T) {
	cases := map[string]Affinity{
		"INTEGER": AffinityInteger, "int": AffinityInteger, "BIGINT": AffinityInteger, "POINT": AffinityInteger,
		"NVARCHAR(40)": AffinityText, "clob": AffinityText, "TEXT": AffinityText, "CHARINT": AffinityInteger,
		"BLOB": AffinityBlob, "": AffinityBlob, "  ": AffinityBlob,
		"REAL": AffinityReal, "DOUBLE PRECISION": AffinityReal, "FLOAT": AffinityReal,
		"NUMERIC(10,2)": AffinityNumeric, "DATETIME": AffinityNumeric, "BOOLEAN": AffinityNumeric, "ANY": AffinityNumeric,
	}
	for typ, want := range cases {
		if got := AffinityOf(typ); got != want {
			t.Errorf("AffinityOf(%q) = %v, want %v", typ, got, want)
		}
	}
}

func TestKindOf(t *testing.T) {
	cases := map[string]dbtwin.Kind{
		"INTEGER": dbtwin.KindInt, "NVARCHAR(40)": dbtwin.KindText, "REAL": dbtwin.KindFloat, "BLOB": dbtwin.KindBytes,
		"": dbtwin.KindOther, "NUMERIC(10,2)": dbtwin.KindNumeric, "decimal": dbtwin.KindNumeric,
		"DATETIME": dbtwin.KindTimestamp, "timestamp": dbtwin.KindTimestamp, "DATE": dbtwin.KindDate,
		"TIMESTAMP WITH TIME ZONE": dbtwin.KindTimestampTZ, "time": dbtwin.KindTime, "BOOLEAN": dbtwin.KindBool,
		"JSON": dbtwin.KindJSON, "uuid": dbtwin.KindUUID, "INTERVAL": dbtwin.KindInterval, "WHATEVER": dbtwin.KindNumeric,
	}
	for typ, want := range cases {
		if got := KindOf(typ); got != want {
			t.Errorf("KindOf(%q) = %v, want %v", typ, got, want)
		}
	}
}

func TestBindValue(t *testing.T) {
	b := func(s string) []byte { return []byte(s) }
	cases := []struct {
		field string
		aff   Affinity
		class StorageClass
		want  any
	}{
		{"42", AffinityInteger, 0, int64(42)},
		{"3.5", AffinityInteger, 0, 3.5},
		{"n/a", AffinityInteger, 0, "n/a"},
		{"0x10", AffinityInteger, 0, "0x10"},
		{"inf", AffinityReal, 0, "inf"},
		{"+Inf", AffinityReal, 0, math.Inf(1)},
		{"1e+300", AffinityNumeric, 0, 1e300},
		{"12", AffinityNumeric, 0, int64(12)},
		{"12", AffinityReal, 0, 12.0},
		{"12", AffinityText, 0, "12"},
		{"\xff\x00", AffinityText, 0, b("\xff\x00")},
		{"12", AffinityBlob, 0, b("12")},
		{"12", AffinityBlob, ClassInteger, int64(12)},
		{"12", AffinityInteger, ClassText, "12"},
		{"x", AffinityInteger, ClassBlob, b("x")},
		{"1.5", AffinityBlob, ClassReal, 1.5},
		{"oops", AffinityBlob, ClassInteger, b("oops")},
		{"", AffinityBlob, 0, b("")},
		{"", AffinityInteger, 0, ""},
		{"99999999999999999999", AffinityInteger, 0, 1e20},
	}
	for _, c := range cases {
		if got := bindValue([]byte(c.field), c.aff, c.class); !reflect.DeepEqual(got, c.want) {
			t.Errorf("bindValue(%q, %v, %c) = %#v, want %#v", c.field, c.aff, c.class, got, c.want)
		}
	}
	if got := bindValue(nil, AffinityText, ClassText); got != nil {
		t.Errorf("NULL binds as %#v", got)
	}
}

func TestAppendValue(t *testing.T) {
	cases := []struct {
		v     any
		text  string
		class StorageClass
	}{
		{int64(-7), "-7", ClassInteger},
		{0.1, "0.1", ClassReal},
		{1e21, "1e+21", ClassReal},
		{2.0, "2", ClassReal},
		{"héllo", "héllo", ClassText},
		{[]byte{0, 1}, "\x00\x01", ClassBlob},
		{nil, "", ClassNull},
	}
	for _, c := range cases {
		got, class := appendValue(nil, c.v)
		if string(got) != c.text || class != c.class {
			t.Errorf("appendValue(%#v) = %q %c, want %q %c", c.v, got, class, c.text, c.class)
		}
	}
}

func TestParseCreateTable(t *testing.T) {
	def := parseCreateTable(`CREATE TABLE IF NOT EXISTS main."we, ird" ( -- a comment, with a comma
		"a,b" INTEGER CONSTRAINT pk_ab PRIMARY KEY /* (not a paren */,
		[c] TEXT DEFAULT (lower('X, Y')) CHECK (length([c]) < 10) COLLATE NOCASE,
		d AS (a + 1) STORED,
		e INT CONSTRAINT e_ref REFERENCES other ON DELETE CASCADE NOT DEFERRABLE INITIALLY DEFERRED,
		CONSTRAINT both_ok CHECK (a > 0 AND (c <> ')')),
		FOREIGN KEY (c, e) REFERENCES "par""ent" (x, y) ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED
	) WITHOUT ROWID, STRICT`)
	if def.PKName != "pk_ab" || !def.WithoutRowid || !def.Strict {
		t.Errorf("def = %+v", def)
	}
	if def.Generated["d"] != "a + 1" || len(def.Generated) != 1 {
		t.Errorf("generated = %v", def.Generated)
	}
	wantChecks := []checkDef{{"", "length([c]) < 10"}, {"both_ok", "a > 0 AND (c <> ')')"}}
	if !reflect.DeepEqual(def.Checks, wantChecks) {
		t.Errorf("checks = %+v", def.Checks)
	}
	wantFKs := []fkDef{
		{Name: "e_ref", Columns: []string{"e"}, RefTable: "other"},
		{Columns: []string{"c", "e"}, RefTable: `par"ent`, RefColumns: []string{"x", "y"}, Deferrable: true, InitiallyDeferred: true},
	}
	if !reflect.DeepEqual(def.FKs, wantFKs) {
		t.Errorf("fks = %+v", def.FKs)
	}
	for _, junk := range []string{"", "CREATE TABLE t AS SELECT 1", "CREATE TABLE t (a", "CREATE VIRTUAL TABLE f USING fts5(x)", "'"} {
		parseCreateTable(junk) // must not panic
	}
}

func TestParseIndex(t *testing.T) {
	def := parseIndex(`CREATE UNIQUE INDEX "ix" ON "t t" (lower(email) DESC, [code] COLLATE NOCASE ASC, (a || ',')) WHERE deleted IS NULL AND x = 'a;b';`)
	want := indexDef{Terms: []string{"lower(email)", "[code] COLLATE NOCASE", "(a || ',')"}, Where: "deleted IS NULL AND x = 'a;b'"}
	if !reflect.DeepEqual(def, want) {
		t.Errorf("parseIndex = %+v", def)
	}
	if got := exprColumns("coalesce(lower(Email), \"code\") || 'email'", []string{"email", "code", "x"}); !reflect.DeepEqual(got, []string{"email", "code"}) {
		t.Errorf("exprColumns = %v", got)
	}
	parseIndex("CREATE INDEX i ON t(") // must not panic
}

func TestURIPath(t *testing.T) {
	if got := uriPath("/tmp/a b/c?d#e%f.db"); got != "file:/tmp/a%20b/c%3Fd%23e%25f.db" {
		t.Errorf("uriPath = %s", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(handmadeSQL)
	f.Add(`CREATE TABLE "x" ([a] INT REFERENCES b, CHECK (a > (1)))`)
	f.Add(`CREATE UNIQUE INDEX i ON t (lower(a)) WHERE b`)
	f.Fuzz(func(t *testing.T, s string) {
		parseCreateTable(s)
		parseIndex(s)
		exprColumns(s, []string{"a"})
	})
}
