package verify

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// reservedDomain reports whether a mail domain is reserved and never
// delivers (RFC 2606 and RFC 6761: example.com/.net/.org, .test, .invalid,
// .example, .localhost).
func reservedDomain(d string) bool {
	d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
	for _, tld := range []string{".test", ".invalid", ".example", ".localhost"} {
		if strings.HasSuffix(d, tld) || d == tld[1:] {
			return true
		}
	}
	for _, sld := range []string{"example.com", "example.net", "example.org"} {
		if d == sld || strings.HasSuffix(d, "."+sld) {
			return true
		}
	}
	return false
}

// emailReach explains how an email rule can reach a real mailbox, or "".
func emailReach(params map[string]any) string {
	if k, _ := params["keep_domain"].(bool); k {
		return "keep_domain: the real domains are kept, so a masked address may exist"
	}
	if d, _ := params["domain"].(string); d != "" && !reservedDomain(d) {
		return fmt.Sprintf("domain %q is not a reserved domain (use one under .test, .invalid or example.com)", d)
	}
	return ""
}

const phoneReach = "masked numbers keep the country code and length, so one may be someone's real number (no numbering plan reserves enough fiction numbers for a one-to-one mapping); never let the twin's jobs send texts or calls"

// reachable lists the rules whose outputs can still reach a real person.
func reachable(s *dbtwin.Schema, rules ruleSet) []string {
	var out []string
	for k, r := range rules {
		if t := s.Table(k.table); t != nil && t.PartitionOf != "" {
			continue // reported on the parent
		}
		where := k.table + "." + k.column
		switch r.transformer {
		case "email":
			if why := emailReach(r.params); why != "" {
				out = append(out, where+" (email): "+why)
			}
		case "phone":
			out = append(out, where+" (phone): "+phoneReach)
		case "json":
			paths, _ := r.params["paths"].(map[string]any)
			for p, v := range paths {
				switch nestedTransformer(v) {
				case "email":
					if m, ok := v.(map[string]any); ok {
						if why := emailReach(m); why != "" {
							out = append(out, where+" "+p+" (email): "+why)
						}
					}
				case "phone":
					out = append(out, where+" "+p+" (phone): "+phoneReach)
				}
			}
			if d, _ := r.params["detect"].(bool); d {
				out = append(out, where+" (detect): detected phone numbers: "+phoneReach)
			}
		}
	}
	sort.Strings(out)
	return out
}
