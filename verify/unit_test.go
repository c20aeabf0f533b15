package verify

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/mask"
)

func TestSipHashReferenceVector(t *testing.T) {
	// SipHash-2-4 paper, appendix A: key 00..0f, message 00..0e.
	var k [16]byte
	msg := make([]byte, 15)
	for i := range k {
		k[i] = byte(i)
	}
	for i := range msg {
		msg[i] = byte(i)
	}
	k0 := uint64(0)
	k1 := uint64(0)
	for i := 7; i >= 0; i-- {
		k0 = k0<<8 | uint64(k[i])
		k1 = k1<<8 | uint64(k[8+i])
	}
	if got := sipHash24(k0, k1, 0, msg); got != 0xa129ca6149be45e5 {
		t.Fatalf("SipHash-2-4 = %#x, want 0xa129ca6149be45e5", got)
	}
	// A prefix byte is the same as prepending it, at every length.
	s := "abcdefghijklmnopqrstuvwxyz0123456789"
	for n := 0; n <= len(s); n++ {
		if a, b := sipHash24(k0, k1, 't', s[:n]), sipHash24(k0, k1, 0, "t"+s[:n]); a != b {
			t.Fatalf("length %d: prefixed %#x != prepended %#x", n, a, b)
		}
	}
	h := newHasher()
	if h.digest(classText, "5550109999") == h.digest(classDigits, "5550109999") {
		t.Fatal("text and digit classes collide")
	}
	if h.digest(classText, "a") != h.digestBytes(classText, []byte("a")) {
		t.Fatal("digest and digestBytes differ")
	}
}

func TestNormTextMatchesMask(t *testing.T) {
	for _, s := range []string{"  Ann@X.org ", "ÉLODIE", "mary smith", "\tTab\n", "", "ǅemal"} {
		if got, want := normText(s), string(mask.Normalize(mask.NormText, []byte(s))); got != want {
			t.Errorf("normText(%q) = %q, mask.Normalize = %q", s, got, want)
		}
	}
}

func TestTokens(t *testing.T) {
	cases := map[string][]string{
		"call jane.doe@example.com. thanks":  {"call", "jane.doe@example.com", "thanks"},
		"smith, jane (vip); id=a_b-c+d":      {"smith", "jane", "vip", "id", "a_b-c+d"},
		"«quoted» — dash…":                   {"quoted", "dash"},
		"...":                                nil,
		"tel: +1 (555) 010-9999, ext. 12...": {"tel", "+1", "555", "010-9999", "ext", "12"},
	}
	for in, want := range cases {
		if got := appendTokens(nil, in); !reflect.DeepEqual(got, want) {
			t.Errorf("tokens(%q) = %q, want %q", in, got, want)
		}
	}
	if j, n := joinTokens("smith,  jane"); j != "smith jane" || n != 2 {
		t.Errorf("joinTokens = %q, %d", j, n)
	}
}

func TestPhoneRuns(t *testing.T) {
	cases := map[string][]string{
		"call +1 (555) 010-9999 today":  {"15550109999"},
		"order 12345 on 2024-01-02":     {"20240102"},
		"5550109999":                    nil, // a plain token: looked up as a token
		"abc555-010-9999":               nil, // glued to a word
		"555 010 9999x":                 nil,
		"a: 555.010.9999; b: 0044 20 7": {"5550109999", "0044207"},
	}
	for in, want := range cases {
		if got := appendPhoneRuns(nil, in); !reflect.DeepEqual(got, want) {
			t.Errorf("phoneRuns(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValueExemption(t *testing.T) {
	cases := map[string]string{
		"bob":                  ExemptTooShort,
		"ann":                  ExemptTooShort,
		"12345":                ExemptShortNumber,
		"-42.50":               ExemptShortNumber,
		"2024-01-31":           ExemptDate,
		"2006-02-15 09:57:20":  ExemptDate,
		"31.12.1980":           ExemptDate,
		"1999-02-15t10:00:00z": ExemptDate,
		"jennifer":             ExemptDictionary,
		"smith":                ExemptDictionary,
		"mary smith":           "",
		"jane@example.com":     "",
		"+1 555 010 9999":      "",
		"2024-13-45":           "",
		"xq7-unusual":          "",
	}
	for in, want := range cases {
		if got := valueExemption(in); got != want {
			t.Errorf("valueExemption(%q) = %q, want %q", in, got, want)
		}
	}
	if !onlyDictionaryWords("12 north smithville avenue") || !onlyDictionaryWords("jane smith") ||
		onlyDictionaryWords("12 zzqx avenue") || onlyDictionaryWords("12 34") {
		t.Error("onlyDictionaryWords misjudges")
	}
}

func TestCardinality(t *testing.T) {
	// Few distinct values that repeat: low-cardinality.
	c := newCardinality()
	for i := 0; i < 40; i++ {
		if out := c.add(uint64(i%3), []digestOf{{d: uint64(100 + i%3), o: 7}}, nil); len(out) != 0 {
			t.Fatal("flushed while low")
		}
	}
	if low, _ := c.finish(); !low {
		t.Fatal("3 values over 40 rows should be low-cardinality")
	}
	// Few distinct values that do not repeat (a small table of e-mails): kept.
	c = newCardinality()
	for i := 0; i < 10; i++ {
		c.add(uint64(i), []digestOf{{d: uint64(i), o: 7}}, nil)
	}
	if low, flush := c.finish(); low || len(flush) != 10 || flush[0].o != 7 {
		t.Fatalf("10 distinct of 10: low=%v flush=%v", low, flush)
	}
	// Many distinct values: flushed once past the threshold, then passed
	// through, each with its own origin.
	c = newCardinality()
	seen := map[uint64]uint32{}
	for i := 0; i < 100; i++ {
		for _, x := range c.add(uint64(i), []digestOf{{d: uint64(i), o: uint32(i % 2)}}, nil) {
			seen[x.d] = x.o
		}
	}
	low, flush := c.finish()
	for _, x := range flush {
		seen[x.d] = x.o
	}
	if low || len(seen) != 100 || seen[3] != 1 || seen[4] != 0 {
		t.Fatalf("100 distinct: low=%v, %d added", low, len(seen))
	}
}

func TestJSONPathsAndDetect(t *testing.T) {
	doc, ok := decodeJSON([]byte(`{"contact":{"email":"a@b.org","phones":["555 010 9999"]},"plan":"gold","items":[{"email":"c@d.org"}]}`))
	if !ok {
		t.Fatal("decode")
	}
	for path, want := range map[string][]string{
		"$.contact.email":     {"a@b.org"},
		"$..email":            {"a@b.org", "c@d.org"},
		"$.items[*].email":    {"c@d.org"},
		"$['contact'].phones": {"555 010 9999"},
		"$.items[0]":          {"c@d.org"},
	} {
		segs, err := parsePath(path)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		matchPath(doc, segs, func(n any) { walkJSON(n, func(s string) { got = append(got, s) }, nil) })
		if strings.Join(sortStrings(got), "|") != strings.Join(sortStrings(want), "|") {
			t.Errorf("%s selects %q, want %q", path, got, want)
		}
	}
	if _, err := parsePath("contact.email"); err == nil {
		t.Error("a path without $ is accepted")
	}
	for s, want := range map[string]bool{"a@b.org": true, "+1 555 010 9999": true, "gold": false,
		"DE89 3704 0044 0532 0130 00": true, "2024": false} {
		if detectable(s) != want {
			t.Errorf("detectable(%q) = %v", s, !want)
		}
	}
}

func sortStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// FuzzScanCell feeds arbitrary cells to the scan: no panic, and a value
// collected from the source is always found again when the twin holds it
// unchanged in a kept column (kept columns are searched).
func FuzzScanCell(f *testing.F) {
	for _, s := range []string{"jane.doe@example.com", `{"a": ["+1 (555) 010-9999", {"k@x.io": 1}]}`,
		"Smith, Jane.", "2024-01-02 10:00", "\xff\xfe{", "[1,2", "  MIXED Case  ", "a,b,,c...", "12/31/1999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		var src, twin [][]*string
		src = append(src, []*string{&v, nil})
		for i := 0; i < 40; i++ {
			x := fmt.Sprintf("filler value number %d", i)
			src = append(src, []*string{&x, nil})
		}
		twin = append(twin, []*string{nil, &v})
		rep := runRows(t, "keep: [public.t.notes]\n", src, twin, 0)
		if valueExemption(normText(v)) == "" && !looksJSON([]byte(v)) && rep.OK() {
			t.Fatalf("collected %q but did not find it in a kept twin cell", v)
		}
	})
}

func TestPlanFollowsPartitionsKeepAndKeys(t *testing.T) {
	cols := func() []*dbtwin.Column {
		return []*dbtwin.Column{{Name: "id", Kind: dbtwin.KindInt}, {Name: "contact", Kind: dbtwin.KindText},
			{Name: "phone", Kind: dbtwin.KindText}, {Name: "email", Kind: dbtwin.KindText},
			{Name: "national_id", Kind: dbtwin.KindInt}, {Name: "birth_date", Kind: dbtwin.KindDate}}
	}
	parent := &dbtwin.Table{Schema: "public", Name: "p", Partitioned: true, Columns: cols()}
	part := &dbtwin.Table{Schema: "public", Name: "p_2024", PartitionOf: "public.p", Columns: cols(),
		ForeignKeys: []*dbtwin.ForeignKey{{Columns: []string{"national_id"}, RefTable: "public.x", RefColumns: []string{"id"}}}}
	s := &dbtwin.Schema{Tables: []*dbtwin.Table{parent, part}}
	cfg, err := config.Parse("dbtwin.yaml", []byte("version: 1\nmask:\n  public.p:\n    contact: email\nkeep: [public.p.phone]\n"))
	if err != nil {
		t.Fatal(err)
	}
	rules, kept := maskRules(s, cfg, nil), keptSet(s, cfg)
	os := newOriginSets()
	var plans []*tablePlan
	for _, tb := range s.Tables {
		if !tb.HasRows() {
			continue
		}
		tp, err := planSource(tb, rules, kept, nil, os)
		if err != nil {
			t.Fatal(err)
		}
		if tp != nil {
			plans = append(plans, tp)
		}
	}
	if len(plans) != 1 || plans[0].table != part {
		t.Fatalf("plans %+v, want the partition only", plans)
	}
	got := map[string]*colPlan{}
	for _, cp := range plans[0].cols {
		got[cp.column.Name] = cp
	}
	if got["contact"] == nil || got["email"] == nil || got["phone"] != nil || got["id"] != nil {
		t.Errorf("collected %v: want contact (masked on the parent) and email (flagged), not phone (kept) or id", plans[0].columns)
	}
	if cp := got["birth_date"]; cp == nil || cp.wholeExempt != ExemptDate {
		t.Errorf("birth_date: %+v, want collected and exempt as a date", cp)
	}
	if got["national_id"] != nil {
		t.Error("a foreign key column named like an identifier is collected")
	}
}

func TestScanJSONMatchesTheDecoder(t *testing.T) {
	for _, doc := range []string{`{"a": ["+1 (555) 010-9999", {"k@x.io": 1}], "b\"q": "x\u00e9y", "n": -1.5e3, "t": true, "z": null}`,
		`[1, "two", {"three": [4]}]`, `{}`, `[]`} {
		v, ok := decodeJSON([]byte(doc))
		if !ok {
			t.Fatal(doc)
		}
		var want, got, wantLeaves, gotLeaves []string
		walkJSON(v, func(s string) { want = append(want, s); wantLeaves = append(wantLeaves, s) }, func(s string) { want = append(want, s) })
		if !scanJSON([]byte(doc), func(s string) { got = append(got, s) }) || !scanJSONLeaves([]byte(doc), func(s string) { gotLeaves = append(gotLeaves, s) }) {
			t.Fatalf("%s: not scanned", doc)
		}
		if strings.Join(sortStrings(got), "|") != strings.Join(sortStrings(want), "|") ||
			strings.Join(sortStrings(gotLeaves), "|") != strings.Join(sortStrings(wantLeaves), "|") {
			t.Errorf("%s: scanned %q / %q, decoder %q / %q", doc, got, gotLeaves, want, wantLeaves)
		}
	}
	for _, bad := range []string{`{"a": }`, `["x"`, `plain text`, `{"a":1} {"b":2}`} {
		if scanJSON([]byte(bad), func(string) {}) {
			t.Errorf("%q scanned as JSON", bad)
		}
	}
}

// The dictionary's pre-filter never rejects a dictionary value: every
// value (and only the map decides the rest) is still exempt.
func TestDictionaryFilterHasNoFalseNegatives(t *testing.T) {
	values, _ := dictionary()
	for v := range values {
		if !dictFilter.has(v) || !isDictionaryValue(v) {
			t.Fatalf("dictionary value %q rejected by the pre-filter", v)
		}
	}
	if isDictionaryValue("zzqx-not-a-word-1234") {
		t.Fatal("a non-dictionary value was taken for a dictionary value")
	}
}

// Folding repeats into counted entries never loses a (digest, flags) pair
// or an occurrence: digests sharing a slot, the same digest with other
// flags and plain repeats are all accounted for after the flush.
func TestRepeatFoldingKeepsEveryOccurrence(t *testing.T) {
	type key struct {
		d     uint64
		flags uint32
	}
	want := map[key]uint64{}
	o := &RowObserver{}
	feed := func(col uint32, d uint64, flags uint32, n int) {
		o.col = col
		for range n {
			o.addProbe(d, flags)
			want[key{d<<8 | uint64(col), flags}]++
		}
	}
	feed(0, 7, probeWhole, 5)
	feed(0, 7, 0, 3)               // same digest, other flags
	feed(0, 7+repeatSlots, 0, 4)   // same slot, other digest
	feed(0, 7+2*repeatSlots, 0, 1) // a third one in that slot
	feed(1, 7, probeWhole, 2)      // same digest, other column
	feed(0, 9, probeDigits, 1)     // seen once
	feed(0, 7, probeWhole, 2)      // back to the first one
	feed(2, 11, probeWhole|probeDictOnly, 6)
	o.flushRepeats()
	got := map[key]uint64{}
	for _, e := range o.probeBuf {
		k := key{e.d<<8 | uint64(e.a>>probeFlagBits), e.a & (1<<probeFlagBits - 1) &^ probeCounted}
		if e.a&probeCounted != 0 {
			got[k] += uint64(e.b)
		} else {
			got[k]++
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d (digest, column, flags) groups, want %d: %v", len(got), len(want), got)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("digest %d column %d flags %d: %d occurrence(s) accounted for, want %d", k.d>>8, k.d&0xff, k.flags, got[k], n)
		}
	}
}

// The observer's allocation-free normal form is normText's.
func TestObserverNormTextMatchesNormText(t *testing.T) {
	o := &RowObserver{}
	for _, s := range []string{"", "  ", "abc", " Jane.Doe@Example.COM ", "\tSÃO Paulo\n", "İstanbul", "ÀÉÎ õü", "12 345-678", "MiXeD 42 Words", "\u00a0Nbsp\u00a0", "ǅ title"} {
		if got, want := o.normText(s), normText(s); got != want {
			t.Errorf("normText(%q): observer %q, want %q", s, got, want)
		}
	}
}
