package config

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxSize is the largest config file Load accepts: a config for thousands
// of tables is well under a megabyte, and a bigger file is almost certainly
// not a dbtwin config (parsing it would take long and much memory).
const MaxSize = 8 << 20

// MaxErrors is how many problems an error lists; the rest are counted.
const MaxErrors = 20

// Load reads and parses a config file.
func Load(path string) (*Config, error) {
	return LoadContext(context.Background(), path)
}

// LoadContext is Load that gives up when ctx is cancelled (Ctrl-C,
// SIGTERM): parsing a large file does not delay the exit.
func LoadContext(ctx context.Context, path string) (*Config, error) {
	if st, err := os.Stat(path); err == nil && st.Size() > MaxSize {
		return nil, Errorf(Pos{File: path}, "the file is %.1f MiB; a dbtwin config is at most %d MiB: is it the right file?",
			float64(st.Size())/(1<<20), MaxSize>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w (give an existing file with -c, or run dbtwin init to write one)", err)
	}
	type result struct {
		cfg *Config
		err error
	}
	done := make(chan result, 1)
	go func() {
		cfg, err := Parse(path, data)
		done <- result{cfg, err}
	}()
	select {
	case r := <-done:
		return r.cfg, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("read config %s: %w", path, ctx.Err())
	}
}

// Parse parses config text; file names the source in messages.
func Parse(file string, data []byte) (*Config, error) {
	if len(data) > MaxSize {
		return nil, Errorf(Pos{File: file}, "the config is %.1f MiB; a dbtwin config is at most %d MiB: is it the right file?",
			float64(len(data))/(1<<20), MaxSize>>20)
	}
	p := &parser{file: file}
	cfg := &Config{File: file}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if err.Error() == "EOF" {
			return nil, Errorf(Pos{File: file}, "the config is empty: it needs at least `version: 1`")
		}
		return nil, &Error{Pos: Pos{File: file, Line: yamlErrLine(err)}, Msg: "not valid YAML: " + err.Error()}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	p.document(root, cfg)
	if err := p.errs.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func yamlErrLine(err error) int {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

type parser struct {
	file string
	errs Errors
}

func (p *parser) pos(n *yaml.Node) Pos { return Pos{File: p.file, Line: n.Line, Column: n.Column} }

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, Errorf(p.pos(n), format, args...))
}

// mapping iterates a mapping node's key/value pairs, rejecting keys not in
// allowed (nil allows any key).
func (p *parser) mapping(n *yaml.Node, what string, allowed []string, fn func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping (key: value), not %s", what, kindName(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if seen[key] {
			p.errorf(k, "%s: key %q appears twice", what, key)
			continue
		}
		seen[key] = true
		if allowed != nil && !contains(allowed, key) {
			if p.errs.full() {
				p.errorf(k, "unknown key %q in %s", key, what)
				continue
			}
			p.errorf(k, "unknown key %q in %s%s; allowed: %s", key, what, Suggest(key, allowed), strings.Join(allowed, ", "))
			continue
		}
		fn(key, k, v)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the scalar %q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "empty"
}

var envVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// str returns a scalar's text with ${VAR} expanded.
func (p *parser) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s must be a single value, not %s", what, kindName(n))
		return "", false
	}
	ok := true
	out := envVar.ReplaceAllStringFunc(n.Value, func(m string) string {
		name := m[2 : len(m)-1]
		v, set := os.LookupEnv(name)
		if !set {
			p.errorf(n, "%s uses ${%s}, which is not set in the environment: export %s or remove it", what, name, name)
			ok = false
		}
		return v
	})
	return out, ok
}

func (p *parser) boolean(n *yaml.Node, what string) (bool, bool) {
	s, ok := p.str(n, what)
	if !ok {
		return false, false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		p.errorf(n, "%s must be true or false, not %q", what, s)
		return false, false
	}
	return b, true
}

func (p *parser) number(n *yaml.Node, what string, lo, hi float64) (float64, bool) {
	s, ok := p.str(n, what)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || f < lo || f > hi {
		p.errorf(n, "%s must be a number from %g to %g, not %q", what, lo, hi, s)
		return 0, false
	}
	return f, true
}

func (p *parser) integer(n *yaml.Node, what string) (int64, bool) {
	s, ok := p.str(n, what)
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(s, 10, 64)
	if err != nil || i < 0 {
		p.errorf(n, "%s must be a whole number >= 0, not %q", what, s)
		return 0, false
	}
	return i, true
}

func (p *parser) document(n *yaml.Node, cfg *Config) {
	if n.Kind == 0 {
		p.errorf(n, "the config is empty: it needs at least `version: 1`")
		return
	}
	hasVersion := false
	p.mapping(n, "the config", []string{"version", "strict", "mask", "keep", "relations", "subset", "fidelity"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "version":
			hasVersion = true
			if s, ok := p.str(v, "version"); ok {
				if s != "1" {
					p.errorf(v, "version %q is not supported: this dbtwin reads version 1", s)
				}
				cfg.Version = 1
			}
		case "strict":
			if b, ok := p.boolean(v, "strict"); ok {
				cfg.Strict = &b
			}
		case "mask":
			p.mask(v, cfg)
		case "keep":
			p.keep(v, cfg)
		case "relations":
			p.relations(v, cfg)
		case "subset":
			p.subset(v, cfg)
		case "fidelity":
			p.fidelity(v, cfg)
		}
	})
	if !hasVersion && n.Kind == yaml.MappingNode {
		p.errorf(n, "missing `version: 1` at the top of the config")
	}
}

func (p *parser) keep(n *yaml.Node, cfg *Config) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "keep must be a list of table.column entries")
		return
	}
	for _, item := range n.Content {
		if s, ok := p.str(item, "keep entry"); ok {
			if !strings.Contains(s, ".") {
				p.errorf(item, "keep entry %q must be table.column", s)
				continue
			}
			cfg.Keep = append(cfg.Keep, Ref{Text: s, Pos: p.pos(item)})
		}
	}
}
