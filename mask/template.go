package mask

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"
)

// templateT renders a Go text/template over the row's masked values. It
// needs the whole row, so Table applies it, after the columns it reads.
type templateT struct {
	src    string
	tmpl   *template.Template
	fields []string
	maxLen int
}

var templateFuncs = template.FuncMap{
	"lower":   strings.ToLower,
	"upper":   strings.ToUpper,
	"title":   titleCase,
	"trim":    strings.TrimSpace,
	"replace": func(old, new, s string) string { return strings.ReplaceAll(s, old, new) },
	"left": func(n int, s string) string {
		if n < 0 {
			n = 0
		}
		return truncateRunes(s, n)
	},
	"digits": func(s string) string { return string(digitsOnly([]byte(s))) },
}

func buildTemplate(b *builder) (Transformer, error) {
	src := b.p.str("template")
	tmpl, err := template.New("template").Funcs(templateFuncs).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, b.errorf("%v", strings.TrimPrefix(err.Error(), "template: "))
	}
	t := &templateT{src: src, tmpl: tmpl, maxLen: b.maxLen()}
	seen := map[string]bool{}
	for _, tr := range tmpl.Templates() {
		if tr.Tree != nil {
			walkFields(tr.Tree.Root, func(name string) {
				if !seen[name] {
					seen[name] = true
					t.fields = append(t.fields, name)
				}
			})
		}
	}
	if len(t.fields) == 0 {
		return nil, b.errorf("the template %q reads no column ({{.column}}); use constant for a fixed value", src)
	}
	return t, nil
}

var errTemplateNeedsRow = errors.New("template: a template reads other columns of the row; apply it with Table")

// Mask fails: a template needs the row (see Table).
func (t *templateT) Mask([]byte) ([]byte, error) { return nil, errTemplateNeedsRow }

// render executes the template over the row's values (NULL as "").
func (t *templateT) render(values map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	if err := t.tmpl.Execute(&buf, values); err != nil {
		return nil, fmt.Errorf("template %q: %w", t.src, err)
	}
	out := buf.Bytes()
	if t.maxLen > 0 && utf8.RuneCount(out) > t.maxLen {
		out = []byte(truncateRunes(string(out), t.maxLen))
	}
	return out, nil
}

// walkFields calls f with the first name of every {{.field}} and
// {{$.field}} in a template tree.
func walkFields(n parse.Node, f func(string)) {
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return
		}
		for _, c := range x.Nodes {
			walkFields(c, f)
		}
	case *parse.ActionNode:
		walkFields(x.Pipe, f)
	case *parse.PipeNode:
		if x == nil {
			return
		}
		for _, c := range x.Cmds {
			walkFields(c, f)
		}
	case *parse.CommandNode:
		for _, a := range x.Args {
			walkFields(a, f)
		}
	case *parse.FieldNode:
		if len(x.Ident) > 0 {
			f(x.Ident[0])
		}
	case *parse.VariableNode:
		if len(x.Ident) > 1 && x.Ident[0] == "$" {
			f(x.Ident[1])
		}
	case *parse.ChainNode:
		walkFields(x.Node, f)
	case *parse.IfNode:
		walkBranch(&x.BranchNode, f)
	case *parse.RangeNode:
		walkBranch(&x.BranchNode, f)
	case *parse.WithNode:
		walkBranch(&x.BranchNode, f)
	case *parse.TemplateNode:
		walkFields(x.Pipe, f)
	}
}

func walkBranch(b *parse.BranchNode, f func(string)) {
	walkFields(b.Pipe, f)
	walkFields(b.List, f)
	if b.ElseList != nil {
		walkFields(b.ElseList, f)
	}
}
