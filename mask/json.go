package mask

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// jsonT masks parts of JSON documents: the nodes each path selects (every
// scalar beneath an object or array), then, with detect, every remaining
// string and object key that looks like an e-mail address, IBAN, card or
// phone number.
type jsonT struct {
	k      *keyed
	paths  []jsonRule
	detect *detectors
}

type jsonRule struct {
	path string
	segs []jseg
	tr   Transformer
}

// detectors are the transformers detect applies, with default parameters
// (so a detected email is masked like a column with `email`).
type detectors struct {
	email, phone, card, iban Transformer
}

func buildJSON(b *builder) (Transformer, error) {
	t := &jsonT{k: b.keyed()}
	paths, _ := b.p.value("paths").(map[string]any)
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, path := range keys {
		segs, err := parseJSONPath(path)
		if err != nil {
			return nil, b.errorf("%v", err)
		}
		tr, err := b.nested(paths[path], "paths."+path)
		if err != nil {
			return nil, err
		}
		// Each path remembers recent values (cities, countries repeat a lot);
		// its memo turns itself off when values do not repeat.
		t.paths = append(t.paths, jsonRule{path: path, segs: segs, tr: newCached(tr)})
	}
	if b.p.bool("detect") {
		d := &detectors{}
		for name, dst := range map[string]*Transformer{"email": &d.email, "phone": &d.phone,
			"credit_card": &d.card, "iban": &d.iban} {
			tr, err := b.nested(name, "detect")
			if err != nil {
				return nil, err
			}
			*dst = tr
		}
		t.detect = d
	}
	if len(t.paths) == 0 && t.detect == nil {
		return nil, b.errorf("set paths (JSON path -> rule), detect: true, or both")
	}
	return t, nil
}

// Mask masks a JSON document; a value that is not JSON is enciphered whole.
func (t *jsonT) Mask(v []byte) ([]byte, error) {
	if t.detect == nil {
		out, parsed, err := t.rewrite(v)
		if err != nil {
			return nil, err
		}
		if parsed {
			return out, nil
		}
		return []byte(t.k.fpeString(string(v), []byte("not-json"), maskAll)), nil
	}
	return t.maskParsed(v)
}

// maskParsed is Mask on a parsed tree (needed by detect, which looks at every
// string after the path rules).
func (t *jsonT) maskParsed(v []byte) ([]byte, error) {
	root, err := parseJSON(v)
	if err != nil {
		// Not JSON: encipher it whole rather than copy it.
		return []byte(t.k.fpeString(string(v), []byte("not-json"), maskAll)), nil
	}
	for _, r := range t.paths {
		var ferr error
		matchPath(root, r.segs, func(n *jnode) {
			if ferr == nil {
				ferr = maskTree(n, r.tr)
			}
		})
		if ferr != nil {
			return nil, jsonPathError(r.path, ferr)
		}
	}
	if t.detect != nil {
		if err := t.detect.walk(root); err != nil {
			return nil, err
		}
	}
	return root.encode(make([]byte, 0, len(v)+16)), nil
}

func jsonPathError(path string, err error) error {
	return fmt.Errorf("json path %s: %w", path, err)
}

// maskTree masks every scalar of n that no earlier path masked.
func maskTree(n *jnode, tr Transformer) error {
	if n.done {
		return nil
	}
	switch n.kind {
	case 'o', 'a':
		for _, c := range n.vals {
			if err := maskTree(c, tr); err != nil {
				return err
			}
		}
		return nil
	case 'l':
		if n.text == "null" {
			return nil
		}
	}
	out, err := tr.Mask([]byte(n.text))
	if err != nil {
		return err
	}
	setScalar(n, out)
	return nil
}

// setScalar stores a masked scalar: NULL becomes JSON null, a number stays a
// number when the output is one, anything else becomes a string.
func setScalar(n *jnode, out []byte) {
	n.done = true
	switch {
	case out == nil:
		n.kind, n.text = 'l', "null"
	case n.kind == 'n' && validNumber(string(out)):
		n.text = string(out)
	case n.kind == 'l' && (string(out) == "true" || string(out) == "false"):
		n.text = string(out)
	default:
		n.kind, n.text = 's', string(out)
	}
}

// walk applies the detectors to every string and object key not yet masked.
func (d *detectors) walk(n *jnode) error {
	switch n.kind {
	case 'o':
		for i, k := range n.keys {
			if looksEmail(k) {
				out, err := d.email.Mask([]byte(k))
				if err != nil {
					return err
				}
				n.keys[i] = string(out)
			}
		}
		fallthrough
	case 'a':
		for _, c := range n.vals {
			if err := d.walk(c); err != nil {
				return err
			}
		}
	case 's':
		if n.done {
			return nil
		}
		if tr := d.match(n.text); tr != nil {
			out, err := tr.Mask([]byte(n.text))
			if err != nil {
				return err
			}
			setScalar(n, out)
		}
	}
	return nil
}

// match returns the detector for a string that looks like personal data.
func (d *detectors) match(s string) Transformer {
	switch {
	case looksEmail(s):
		return d.email
	case looksIBAN(s):
		return d.iban
	case looksCard(s):
		return d.card
	case looksPhone(s):
		return d.phone
	}
	return nil
}

func looksEmail(s string) bool {
	s = strings.TrimSpace(s)
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || len(s) > 254 || strings.ContainsAny(s, " \t\n,;<>") {
		return false
	}
	dom := s[at+1:]
	dot := strings.LastIndexByte(dom, '.')
	return dot > 0 && dot < len(dom)-1
}

func looksIBAN(s string) bool {
	compact := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			continue
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		compact = append(compact, c)
	}
	return len(compact) >= 15 && ibanShaped(compact) && ibanValid(string(compact))
}

func looksCard(s string) bool {
	ds := make([]byte, 0, 19)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			ds = append(ds, c)
		case c == ' ' || c == '-':
		default:
			return false
		}
	}
	return len(ds) >= 13 && len(ds) <= 19 && luhnValid(ds)
}

func looksPhone(s string) bool {
	s = strings.TrimSpace(s)
	digits, seps := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '+' && i == 0:
			seps++
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.':
			seps++
		default:
			return false
		}
	}
	if digits < 7 || digits > 15 || seps == 0 {
		return false
	}
	if _, ok := parseDate(s, false); ok {
		return false
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return false
	}
	return true
}
