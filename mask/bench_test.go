package mask

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/dbtwin/dbtwin"
)

// benchInputs returns n distinct sample inputs for a transformer.
func benchInputs(name string, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		var s string
		switch name {
		case "email":
			s = fmt.Sprintf("user.%d@example%d.com", i, i%50)
		case "phone":
			s = fmt.Sprintf("+1 (555) %03d-%04d", i%1000, i)
		case "digits", "credit_card":
			s = fmt.Sprintf("4%015d", i*7919)
		case "iban":
			s = fmt.Sprintf("DE89370400440532%06d", i)
		case "ip":
			s = fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		case "uuid":
			s = fmt.Sprintf("550e8400-e29b-41d4-a716-%012x", i)
		case "date":
			s = fmt.Sprintf("20%02d-%02d-%02d 12:00:00+00", i%30, 1+i%12, 1+i%28)
		case "number":
			s = fmt.Sprintf("%d.%02d", i, i%100)
		case "postcode":
			s = fmt.Sprintf("SW%d %dAA", i%10, i%9)
		case "text":
			s = fmt.Sprintf("Please call John %d times about the order", i)
		case "street_address":
			s = fmt.Sprintf("%d Baker Street", i)
		case "json":
			s = fmt.Sprintf(`{"phone":"+1 555 010 %04d","contact":{"email":"u%d@x.com"},"n":%d}`, i%10000, i, i)
		default:
			s = fmt.Sprintf("Name%dson", i)
		}
		out[i] = []byte(s)
	}
	return out
}

var benchSpecs = []struct {
	name string
	spec Spec
	kind dbtwin.Kind
}{
	{"hash", Spec{Transformer: "hash"}, dbtwin.KindText},
	{"digits", Spec{Transformer: "digits"}, dbtwin.KindText},
	{"partial", Spec{Transformer: "partial"}, dbtwin.KindText},
	{"uuid", Spec{Transformer: "uuid"}, dbtwin.KindUUID},
	{"null", Spec{Transformer: "null"}, dbtwin.KindText},
	{"constant", Spec{Transformer: "constant", Params: map[string]any{"value": "x"}}, dbtwin.KindText},
	{"first_name", Spec{Transformer: "first_name"}, dbtwin.KindText},
	{"last_name", Spec{Transformer: "last_name"}, dbtwin.KindText},
	{"full_name", Spec{Transformer: "full_name"}, dbtwin.KindText},
	{"first_name_fpe", Spec{Transformer: "first_name", Params: map[string]any{"style": "fpe"}}, dbtwin.KindText},
	{"username", Spec{Transformer: "username"}, dbtwin.KindText},
	{"email", Spec{Transformer: "email"}, dbtwin.KindText},
	{"email_fake", Spec{Transformer: "email", Params: map[string]any{"style": "fake"}}, dbtwin.KindText},
	{"street_address", Spec{Transformer: "street_address"}, dbtwin.KindText},
	{"city", Spec{Transformer: "city"}, dbtwin.KindText},
	{"postcode", Spec{Transformer: "postcode"}, dbtwin.KindText},
	{"phone", Spec{Transformer: "phone"}, dbtwin.KindText},
	{"credit_card", Spec{Transformer: "credit_card"}, dbtwin.KindText},
	{"iban", Spec{Transformer: "iban"}, dbtwin.KindText},
	{"ip", Spec{Transformer: "ip"}, dbtwin.KindText},
	{"date", Spec{Transformer: "date"}, dbtwin.KindTimestampTZ},
	{"number", Spec{Transformer: "number"}, dbtwin.KindNumeric},
	{"text", Spec{Transformer: "text"}, dbtwin.KindText},
	{"json", Spec{Transformer: "json", Params: map[string]any{"paths": map[string]any{"$.phone": "phone", "$.contact.email": "email"}}}, dbtwin.KindJSON},
}

// BenchmarkTransformers measures one value per iteration for each
// transformer; values/s = 1e9 / (ns/op).
func BenchmarkTransformers(b *testing.B) {
	m, err := New([]byte("benchmark-secret-0123456789"))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range benchSpecs {
		tr, err := m.Build(c.spec, ColumnInfo{Column: &dbtwin.Column{Kind: c.kind, Nullable: true}})
		if err != nil {
			b.Fatalf("%s: %v", c.name, err)
		}
		base := c.name
		if base == "first_name_fpe" || base == "email_fake" {
			base = "first_name"
			if c.name == "email_fake" {
				base = "email"
			}
		}
		inputs := benchInputs(base, 4096)
		b.Run(c.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			i := 0
			cpu0 := threadCPU()
			for b.Loop() {
				if _, err := tr.Mask(inputs[i&4095]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			cpu := threadCPU() - cpu0
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "values/s")
			if cpu > 0 {
				// CPU time of this thread only: stable on a busy machine.
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(i), "cpu-ns/op")
			}
		})
	}
}

// BenchmarkTableApply measures a whole row of five masked columns.
func BenchmarkTableApply(b *testing.B) {
	m, _ := New([]byte("benchmark-secret-0123456789"))
	cols := []string{"id", "email", "first_name", "phone", "national_id", "note"}
	tm, err := m.Table(cols, map[string]Spec{
		"email": {Transformer: "email"}, "first_name": {Transformer: "first_name"},
		"phone": {Transformer: "phone"}, "national_id": {Transformer: "digits"},
		"note": {Transformer: "constant", Params: map[string]any{"value": "-"}, When: "note is not null"},
	}, nil)
	if err != nil {
		b.Fatal(err)
	}
	row := dbtwin.Row{[]byte("1"), []byte("ann.lee@example.com"), []byte("Ann"), []byte("+44 20 7946 0958"),
		[]byte("123-45-6789"), []byte("hello")}
	for b.Loop() {
		if _, err := tm.Apply(row); err != nil {
			b.Fatal(err)
		}
	}
}
