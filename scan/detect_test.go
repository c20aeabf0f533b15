package scan

import (
	"testing"
	"time"

	"github.com/dbtwin/dbtwin"
)

func TestChecksums(t *testing.T) {
	good := map[string]func(string) bool{
		"4111 1111 1111 1111":         isCreditCard,
		"5500-0000-0000-0004":         isCreditCard,
		"378282246310005":             isCreditCard,
		"DE89 3704 0044 0532 0130 00": isIBAN,
		"GB82WEST12345698765432":      isIBAN,
		"NL91ABNA0417164300":          isIBAN,
		"123-45-6789":                 isSSN,
		"111222333":                   isBSN,
		"811228-9874":                 isPersonnummer,
		"12345678Z":                   isDNI,
		"X1234567L":                   isDNI,
		"131052-308T":                 isHETU,
		"44051401359":                 isPESEL,
		"529.982.247-25":              isCPF,
		"AB123456C":                   isNINO,
	}
	for v, f := range good {
		if !f(v) {
			t.Errorf("%q should validate", v)
		}
	}
	bad := map[string]func(string) bool{
		"4111 1111 1111 1112":         isCreditCard,
		"1234567812345678":            isCreditCard,
		"DE89 3704 0044 0532 0130 01": isIBAN,
		"000-12-3456":                 isSSN,
		"666-12-3456":                 isSSN,
		"111222334":                   isBSN,
		"811228-9875":                 isPersonnummer,
		"12345678A":                   isDNI,
		"131052-308U":                 isHETU,
		"44051401358":                 isPESEL,
		"529.982.247-26":              isCPF,
		"111.111.111-11":              isCPF,
	}
	for v, f := range bad {
		if f(v) {
			t.Errorf("%q should not validate", v)
		}
	}
}

func TestClassifyValue(t *testing.T) {
	cases := []struct {
		v    string
		want vclass
	}{
		{"jane.doe@example.com", vEmail},
		{"+55 (12) 3923-5555", vPhone},
		{"030-0074321", vPhone},
		{"(171) 555-7788", vPhone},
		{"14033335568", vPhoneDigits},
		{"192.168.10.1", vIP},
		{"2001:db8::1", vIP},
		{"47 MySakila Drive", vStreet},
		{"Theodor-Heuss-Straße 34", vStreet},
		{"Av. Brigadeiro Faria Lima, 2170", vStreet},
		{"10 boxes x 20 bags", vStreetLike},
		{"Angus Young, Malcolm Young, Brian Johnson", vFullName},
		{"Maria Anders", vFullName},
		{"MARY", vFirstName},
		{"8cb2237d0679ca88db6464eac60da96345513964", vSecret},
		{"$2b$12$KIXQJ9bP6gq5nH3gE5tH4uUq0P9rWcVnY1m8Lk2Zs3Qx7Yv6Wt5Aa", vSecret},
		{"sk_live_4eC39HqLyjWDarjtT1zdp7dc", vSecret},
		{"12209", vPostcode},
		{"T2P 2T3", vPostcode},
	}
	for _, c := range cases {
		if got := classifyValue(c.v); got&c.want == 0 {
			t.Errorf("classifyValue(%q) = %b, want bit %b", c.v, got, c.want)
		}
	}
	for _, v := range []string{"2021-05-06", "12.5", "ACADEMY DINOSAUR", "Sales Support Agent", "hello world"} {
		if got := classifyValue(v); got&(vEmail|vPhone|vCard|vIBAN|vNationalID|vIP|vSecret|vFullName|vStreet) != 0 {
			t.Errorf("classifyValue(%q) = %b, want no strong detector", v, got)
		}
	}
}

func TestFreeText(t *testing.T) {
	bio := "Andrew received his BTS commercial in 1974. He is fluent in French."
	if ms := textMentions(bio); len(ms) == 0 {
		t.Errorf("biography: no mention found")
	}
	if ms := textMentions("Call me at +44 20 7946 0958 or write to jo@example.org"); len(ms) < 2 {
		t.Errorf("contact text: %v, want phone and email", ms)
	}
	film := "A Epic Drama of a Feminist And a Mad Scientist who must Battle a Teacher in Soviet Georgia"
	if ms := textMentions(film); len(ms) != 0 {
		t.Errorf("film description: %v, want none", ms)
	}
}

func TestBirthDates(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	births := []string{"1947-09-19", "1958-12-08", "1965-03-03", "1973-08-29", "1948-12-08", "1962-02-18", "1970-05-29", "1968-01-09"}
	c := decide(nameHint{}, "date", collect("date", births, now, false), now)
	if c == nil || c.cat != CatBirthDate {
		t.Fatalf("birth dates: %+v", c)
	}
	orders := []string{"1996-07-04", "1996-08-01", "1997-01-02", "1997-05-05", "1998-02-03", "1998-04-01"}
	if c := decide(nameHint{}, "date", collect("date", orders, now, false), now); c != nil {
		t.Fatalf("order dates judged %+v", c)
	}
}

func TestJSONPaths(t *testing.T) {
	now := time.Now()
	var docs []string
	for i := 0; i < 20; i++ {
		docs = append(docs, `{"contact": {"email": "user`+string(rune('a'+i))+`@example.com", "phone": "+31 6 1234 56`+string(rune('0'+i%10))+`0"}, "prefs": {"lang": "en"}, "tags": ["x"], "jane@example.com": 1}`)
	}
	p := classifyColumn("public.users", colOf("profile", dbtwin.KindJSON), docs, now)
	if p == nil || p.Category != CatJSONPII {
		t.Fatalf("profile: %+v", p)
	}
	paths := map[string]string{}
	for _, pp := range p.Paths {
		paths[pp.Path] = pp.Category
	}
	if paths["$.contact.email"] != CatEmail || paths["$.contact.phone"] != CatPhone {
		t.Errorf("paths: %v", paths)
	}
	for path := range paths {
		if path == "$.jane@example.com" {
			t.Errorf("a key that is data leaked into a path: %q", path)
		}
	}
}

func colOf(name string, k dbtwin.Kind) *dbtwin.Column { return &dbtwin.Column{Name: name, Kind: k} }

// FuzzDetectors: no input makes a detector panic, and a value is never
// both an e-mail and anything else.
func FuzzDetectors(f *testing.F) {
	for _, s := range []string{"jane@example.com", "+1 (555) 010-9999", "DE89 3704 0044 0532 0130 00",
		"4111111111111111", "131052-308T", "{\"a\": {\"email\": \"x@y.io\"}}", "Hauptstraße 5", "", "@", "((("} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := classifyValue(s)
		if c&vEmail != 0 && c != vEmail {
			t.Errorf("%q: e-mail and more: %b", s, c)
		}
		textMentions(s)
		parseDate(s)
		var jp jsonPaths
		jp.add(s)
		tokens(s)
		hintFor(s, s)
	})
}
