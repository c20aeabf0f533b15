package config

import (
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Fidelity is the fidelity section: how far the twin's shape may drift from
// production's before the clone warns (or fails, with Fail). Each tolerance
// is a relative difference (0.10 = 10%); nil keeps the default (see the
// fidelity package's DefaultTolerances).
type Fidelity struct {
	// Fail turns measures outside tolerance into a failed clone (exit 1)
	// instead of warnings.
	Fail bool
	// Distinct, Nulls, Length, Fanout and Overlap override the tolerances.
	Distinct, Nulls, Length, Fanout, Overlap *float64
	// Ignore lists table.column entries whose shape is allowed to differ.
	Ignore []Ref
	Pos    Pos
}

func (p *parser) fidelity(n *yaml.Node, cfg *Config) {
	f := &Fidelity{Pos: p.pos(n)}
	// A tolerance is a fraction (0.1) or a percentage ("10%").
	tolerance := func(v *yaml.Node, what string) *float64 {
		s, ok := p.str(v, what)
		if !ok {
			return nil
		}
		pct := strings.HasSuffix(s, "%")
		x, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
		if pct {
			x /= 100
		}
		if err != nil || x < 0 || x > 10 || math.IsNaN(x) {
			p.errorf(v, "%s must be a fraction such as 0.1 or a percentage such as 10%%, from 0 to 1000%%, not %q", what, s)
			return nil
		}
		return &x
	}
	p.mapping(n, "fidelity", []string{"fail", "distinct", "nulls", "length", "fanout", "overlap", "ignore"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "fail":
			if b, ok := p.boolean(v, "fidelity.fail"); ok {
				f.Fail = b
			}
		case "distinct":
			f.Distinct = tolerance(v, "fidelity.distinct")
		case "nulls":
			f.Nulls = tolerance(v, "fidelity.nulls")
		case "length":
			f.Length = tolerance(v, "fidelity.length")
		case "fanout":
			f.Fanout = tolerance(v, "fidelity.fanout")
		case "overlap":
			f.Overlap = tolerance(v, "fidelity.overlap")
		case "ignore":
			if v.Kind != yaml.SequenceNode {
				p.errorf(v, "fidelity.ignore must be a list of table.column entries")
				return
			}
			for _, item := range v.Content {
				if s, ok := p.str(item, "fidelity.ignore entry"); ok {
					f.Ignore = append(f.Ignore, Ref{Text: s, Pos: p.pos(item)})
				}
			}
		}
	})
	cfg.Fidelity = f
}
