package mask

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dbtwin/dbtwin"
)

// The one-pass rewrite gives exactly what the tree gives, for documents of
// every shape (escapes, unicode, duplicate keys, nesting, numbers, literals,
// invalid JSON) and paths of every kind, overlapping included.
func TestJSONStreamMatchesTree(t *testing.T) {
	m := newTestMasker(t)
	rng := rand.New(rand.NewPCG(1, 2))
	pathSets := []map[string]any{
		{"$.phone": "phone", "$.email": "email"},
		{"$.a": "hash", "$.a.b": "digits", "$..email": "email"},
		{"$..*": "hash"},
		{"$.items[*].email": "email", "$.items[1]": "hash", "$['odd key']": "first_name"},
		{"$.*": "number", "$.n": "null"},
		{"$..a..b": "hash", "$.x[0][1]": "digits"},
		{"$.a": "keep", "$.b": "constant"},
	}
	for pi, paths := range pathSets {
		spec := Spec{Transformer: "json", Params: map[string]any{"paths": paths}}
		if _, ok := paths["$.b"]; ok {
			paths["$.b"] = map[string]any{"transformer": "constant", "value": "x"}
		}
		tr, err := m.Build(spec, ColumnInfo{Table: "t", Column: &dbtwin.Column{Name: "c", Kind: dbtwin.KindJSON, Nullable: true}})
		if err != nil {
			t.Fatal(err)
		}
		jt := tr.(keepEmpty).t.(*jsonT)
		docs := []string{`{}`, `[]`, `""`, `1`, `null`, ` {"a" : 1 } `, `{"a":{"b":"12","c":[1,"x",null,true]}}`,
			`{"email":"A.B@x.com","email":"c@d.org","phone":"+1 555 0100"}`, `{"a":"\u00e9\n\"q\"\/","b":"\ud83d\ude00"}`,
			`{"a":1}x`, `{"a":}`, `[1,2`, `{"a":"\x01"}`, `nul`, `{"a":-0.5e+3,"n":true}`, "{\"bad\":\"\xff\"}",
			`{"items":[{"email":"a@b.co"},{"email":"c@d.co","n":3},{"email":null}],"odd key":"Ann"}`,
			`{"x":[[1,2],[3,"45"]],"a":{"q":{"a":{"b":[1,{"b":2}]}}}}`}
		for range 300 {
			docs = append(docs, randomJSON(rng, 0))
		}
		for _, d := range docs {
			want, werr := jt.maskParsed([]byte(d))
			got, gerr := jt.Mask([]byte(d))
			if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
				t.Fatalf("paths %d, %q:\n stream %q %v\n tree   %q %v", pi, d, got, gerr, want, werr)
			}
		}
	}
}

func randomJSON(rng *rand.Rand, depth int) string {
	keys := []string{"a", "b", "email", "phone", "items", "n", "x", "odd key", `e\u0073c`, "q"}
	switch k := rng.IntN(10); {
	case depth < 4 && k < 3:
		var b bytes.Buffer
		b.WriteByte('{')
		for i := range rng.IntN(4) {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q: %s", keys[rng.IntN(len(keys))], randomJSON(rng, depth+1))
		}
		b.WriteByte('}')
		return b.String()
	case depth < 4 && k < 5:
		var b bytes.Buffer
		b.WriteByte('[')
		for i := range rng.IntN(4) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(randomJSON(rng, depth+1))
		}
		b.WriteByte(']')
		return b.String()
	case k < 7:
		return []string{`"ann@example.com"`, `"+55 11 91234-5678"`, `"12345"`, `"Zoë"`, `"tab\there"`, `""`, `"\u0041"`}[rng.IntN(7)]
	case k < 9:
		return []string{"0", "-12", "3.25", "1e5", "12345678901"}[rng.IntN(5)]
	}
	return []string{"true", "false", "null"}[rng.IntN(3)]
}

func BenchmarkJSONStreamVsTree(b *testing.B) {
	m, _ := New([]byte("benchmark-secret-0123456789"))
	tr, err := m.Build(Spec{Transformer: "json", Params: map[string]any{"paths": map[string]any{
		"$.phone": "phone", "$.recovery_email": "email", "$.city": "city"}}},
		ColumnInfo{Column: &dbtwin.Column{Kind: dbtwin.KindJSON, Nullable: true}})
	if err != nil {
		b.Fatal(err)
	}
	jt := tr.(keepEmpty).t.(*jsonT)
	doc := []byte(`{"city": "Recife", "tags": ["vip", "loyalty-1"], "phone": "+5511900096542", "locale": "pt-BR", "newsletter": false, "recovery_email": "bruno_28d9d4@uol.com.br"}`)
	b.Run("stream", func(b *testing.B) {
		for b.Loop() {
			_, _ = jt.Mask(doc)
		}
	})
	b.Run("tree", func(b *testing.B) {
		for b.Loop() {
			_, _ = jt.maskParsed(doc)
		}
	})
}
