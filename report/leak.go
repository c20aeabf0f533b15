package report

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"sort"
	"strings"
)

// leakView is the leak scan's JSON as the page shows it. The known parts
// get their own layout; every other field the leak scan writes (it grows)
// is drawn generically, so nothing it reports is dropped.
type leakView struct {
	OK       bool
	Cells    int64 // twin cells scanned (-1 when the report does not say)
	Warnings int   // columns with warnings
	Headline string
	Searched string
	Parts    []leakPart
}

type leakPart struct {
	Title string
	Body  template.HTML
}

// leakViewOf reads the decoded JSON of `dbtwin verify --format json`.
func leakViewOf(doc map[string]any) *leakView {
	v := &leakView{OK: doc["ok"] == true}
	if w, ok := doc["warnings"].([]any); ok {
		v.Warnings = len(w)
	}
	cols, _ := doc["source_columns"].([]any)
	stats, _ := doc["stats"].(map[string]any)
	v.Searched = fmt.Sprintf("%d source column(s) searched", len(cols))
	v.Cells = -1
	if stats != nil {
		if c, ok := stats["cells_scanned"]; ok {
			v.Searched += ", " + scalar(c) + " twin cells"
			if n, ok := c.(json.Number); ok {
				v.Cells, _ = n.Int64()
			}
		}
	}
	switch {
	case v.OK && v.Cells == 0:
		v.Headline = "No leak found, but no twin cell was scanned: was the twin empty (a failed clone empties it)?"
	case v.OK:
		v.Headline = "No original value of the searched columns was found in the twin."
	default:
		v.Headline = fmt.Sprintf("LEAK: %s twin cell(s) hold original values.", scalar(doc["leaks"]))
	}
	order := []string{"findings", "coincidences", "warnings", "unmasked", "reachable", "exemptions", "stats", "source_columns"}
	titles := map[string]string{
		"findings":       "Leaks (twin columns holding original values)",
		"coincidences":   "Coincidences: masked values equal to another row's original, against the number expected by chance (only counts far above chance are leaks)",
		"warnings":       "Warnings: original values in columns copied unmasked (strict: false)",
		"unmasked":       "Columns copied unmasked (they look personal and have no rule)",
		"reachable":      "Rules whose outputs can still reach a real person",
		"exemptions":     "Not looked for, by rule",
		"stats":          "What was read",
		"source_columns": "Source columns searched",
	}
	skip := map[string]bool{"version": true, "ok": true, "leaks": true, "source": true, "target": true}
	var keys []string
	for k := range doc {
		if !skip[k] {
			keys = append(keys, k)
		}
	}
	rank := func(k string) int {
		for i, o := range order {
			if o == k {
				return i
			}
		}
		return len(order)
	}
	sort.Slice(keys, func(i, j int) bool {
		if rank(keys[i]) != rank(keys[j]) {
			return rank(keys[i]) < rank(keys[j])
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		val := doc[k]
		if a, ok := val.([]any); ok && len(a) == 0 {
			if k == "findings" {
				v.Parts = append(v.Parts, leakPart{Title: titles[k], Body: "<p>none</p>"})
			}
			continue
		}
		title := titles[k]
		if title == "" {
			title = humanKey(k)
		}
		v.Parts = append(v.Parts, leakPart{Title: title, Body: template.HTML(renderJSON(val, 0))})
	}
	return v
}

// renderJSON draws a decoded JSON value as HTML: arrays of objects as
// tables, objects as definition lists, lists of strings as text.
func renderJSON(v any, depth int) string {
	var b strings.Builder
	switch x := v.(type) {
	case map[string]any:
		keys := sortedKeys(x)
		b.WriteString(`<dl class="kv">`)
		for _, k := range keys {
			fmt.Fprintf(&b, "<dt>%s</dt><dd>%s</dd>", html.EscapeString(humanKey(k)), renderJSON(x[k], depth+1))
		}
		b.WriteString("</dl>")
	case []any:
		if len(x) == 0 {
			return "—"
		}
		if objs, cols := objectRows(x); objs != nil {
			b.WriteString(`<table class="data"><thead><tr>`)
			for _, c := range cols {
				fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(humanKey(c)))
			}
			b.WriteString("</tr></thead><tbody>")
			for _, o := range objs {
				b.WriteString("<tr>")
				for _, c := range cols {
					fmt.Fprintf(&b, "<td>%s</td>", renderJSON(o[c], depth+1))
				}
				b.WriteString("</tr>")
			}
			b.WriteString("</tbody></table>")
			return b.String()
		}
		var parts []string
		for _, e := range x {
			parts = append(parts, renderJSON(e, depth+1))
		}
		if len(parts) > 12 && depth > 0 {
			return strings.Join(parts[:10], ", ") + fmt.Sprintf(` <span class="more" title="%s">and %d more</span>`,
				html.EscapeString(strings.Join(plain(x[10:]), ", ")), len(parts)-10)
		}
		return strings.Join(parts, ", ")
	default:
		return html.EscapeString(scalar(x))
	}
	return b.String()
}

func plain(a []any) []string {
	var out []string
	for _, e := range a {
		out = append(out, scalar(e))
	}
	return out
}

// objectRows returns the array's objects and the union of their keys, or
// nil when some element is not an object.
func objectRows(a []any) ([]map[string]any, []string) {
	var objs []map[string]any
	seen := map[string]bool{}
	var cols []string
	for _, e := range a {
		o, ok := e.(map[string]any)
		if !ok {
			return nil, nil
		}
		objs = append(objs, o)
		for _, k := range sortedKeys(o) {
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
	}
	return objs, cols
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Names first (table, column, rule), then the rest alphabetically.
	first := map[string]int{"table": 1, "column": 2, "rule": 3, "category": 4}
	sort.Slice(keys, func(i, j int) bool {
		fi, fj := first[keys[i]], first[keys[j]]
		if fi == 0 {
			fi = 100
		}
		if fj == 0 {
			fj = 100
		}
		if fi != fj {
			return fi < fj
		}
		return keys[i] < keys[j]
	})
	return keys
}

func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return thousands(i)
		}
		if f, err := x.Float64(); err == nil {
			return fmt.Sprintf("%.4g", f)
		}
		return x.String()
	case float64:
		return number(x)
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func humanKey(k string) string {
	k = strings.ReplaceAll(k, "_", " ")
	if k != "" {
		k = strings.ToUpper(k[:1]) + k[1:]
	}
	return k
}
