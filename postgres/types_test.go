package postgres

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

func decodeAll(t testing.TB, text string) []dbtwin.Row {
	t.Helper()
	d := newCopyDecoder(strings.NewReader(text))
	defer d.release()
	var out []dbtwin.Row
	for {
		row, err := d.next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		cp := make(dbtwin.Row, len(row))
		for i, f := range row {
			if f != nil {
				cp[i] = append([]byte{}, f...)
			}
		}
		out = append(out, cp)
	}
}

func TestDecodeEscapes(t *testing.T) {
	rows := decodeAll(t, "a\\tb\t\\N\t\t\\\\N\n\\b\\f\\v\\r\\n\\101\\x41\\x4\\q\\7\t\\\n")
	want := []dbtwin.Row{
		{[]byte("a\tb"), nil, []byte(""), []byte(`\N`)},
		{[]byte("\b\f\v\r\nAA\x04q\x07"), []byte(`\`)},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %q", rows)
	}
	for i := range want {
		if len(rows[i]) != len(want[i]) {
			t.Fatalf("row %d = %q, want %q", i, rows[i], want[i])
		}
		for j := range want[i] {
			if (rows[i][j] == nil) != (want[i][j] == nil) || !bytes.Equal(rows[i][j], want[i][j]) {
				t.Errorf("row %d field %d = %q, want %q", i, j, rows[i][j], want[i][j])
			}
		}
	}
}

func TestDecodeLongLineAndTruncation(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	rows := decodeAll(t, long+"\t1\nshort\t2\n")
	if len(rows) != 2 || string(rows[0][0]) != long || string(rows[1][0]) != "short" {
		t.Fatalf("long line not decoded: %d rows", len(rows))
	}
	d := newCopyDecoder(strings.NewReader("1\t2\n3\t4"))
	if _, err := d.next(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.next(); err != errTruncatedRow {
		t.Errorf("want errTruncatedRow, got %v", err)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	in := []dbtwin.Row{
		{[]byte("plain"), nil, []byte(""), []byte("\\N")},
		{[]byte("tab\t"), []byte("nl\n"), []byte("cr\r"), []byte("bs\\")},
		{[]byte("\x00\x01é€"), []byte("\\x41"), []byte("\t\t"), nil},
	}
	var buf []byte
	for _, r := range in {
		buf = appendCopyRow(buf, r)
	}
	checkRoundTrip(t, in, string(buf))
}

func checkRoundTrip(t *testing.T, in []dbtwin.Row, text string) {
	t.Helper()
	out := decodeAll(t, text)
	if len(out) != len(in) {
		t.Fatalf("%d rows in, %d out (%q)", len(in), len(out), text)
	}
	for i := range in {
		if len(in[i]) != len(out[i]) {
			t.Fatalf("row %d: %q became %q", i, in[i], out[i])
		}
		for j := range in[i] {
			if (in[i][j] == nil) != (out[i][j] == nil) || !bytes.Equal(in[i][j], out[i][j]) {
				t.Fatalf("row %d field %d: %q became %q", i, j, in[i][j], out[i][j])
			}
		}
	}
}

func FuzzCopyCodec(f *testing.F) {
	f.Add([]byte("a\tb\\c\nd"), []byte(""), true)
	f.Add([]byte("\\N"), []byte("\r\n"), false)
	f.Fuzz(func(t *testing.T, a, b []byte, nullB bool) {
		row := dbtwin.Row{a, b}
		if nullB {
			row[1] = nil
		}
		if row[0] == nil {
			row[0] = []byte{}
		}
		checkRoundTrip(t, []dbtwin.Row{row, row}, string(appendCopyRow(appendCopyRow(nil, row), row)))
	})
}

func FuzzDecodeNoPanic(f *testing.F) {
	f.Add("a\\\tb\\x\\0\n\\")
	f.Fuzz(func(t *testing.T, s string) {
		d := newCopyDecoder(strings.NewReader(s))
		for {
			if _, err := d.next(); err != nil {
				break
			}
		}
	})
}

func TestEncodeReaderChecksWidth(t *testing.T) {
	e := &encodeReader{rows: &sliceRows{rows: []dbtwin.Row{{[]byte("1"), []byte("2")}, {[]byte("3")}}}, table: "public.t", ncols: 2}
	_, err := io.ReadAll(e)
	if err == nil || !strings.Contains(err.Error(), "row 2 for public.t has 1 fields, want 2") {
		t.Errorf("err = %v", err)
	}
}

func TestKindOf(t *testing.T) {
	cases := []struct {
		name     string
		typtype  byte
		category byte
		want     dbtwin.Kind
	}{
		{"int8", 'b', 'N', dbtwin.KindInt}, {"numeric", 'b', 'N', dbtwin.KindNumeric}, {"float4", 'b', 'N', dbtwin.KindFloat},
		{"citext", 'b', 'S', dbtwin.KindText}, {"_int4", 'b', 'A', dbtwin.KindArray}, {"mood", 'e', 'E', dbtwin.KindEnum},
		{"jsonb", 'b', 'U', dbtwin.KindJSON}, {"timestamptz", 'b', 'D', dbtwin.KindTimestampTZ}, {"inet", 'b', 'I', dbtwin.KindOther},
	}
	for _, c := range cases {
		if got := kindOf(c.name, c.typtype, c.category); got != c.want {
			t.Errorf("kindOf(%s) = %v, want %v", c.name, got, c.want)
		}
	}
	if p, s := numericFromTypmod("numeric", (10<<16|3)+4); p != 10 || s != 3 {
		t.Errorf("numeric(10,3) = %d,%d", p, s)
	}
	if n := lengthFromTypmod("varchar", 44); n != 40 {
		t.Errorf("varchar(40) = %d", n)
	}
}
