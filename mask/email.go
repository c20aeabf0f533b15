package mask

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// fakeDomains are the domains of fake-style addresses: reserved example
// domains (RFC 2606), so a twin never mails a real person.
var fakeDomains = []string{"example.com", "example.net", "example.org",
	"mail.example.com", "inbox.example.net", "post.example.org"}

type emailT struct {
	k          *keyed
	fpe        bool
	keepDomain bool
	domain     string // fixed domain, "" = none
	maxLen     int
	domains    memo // normalized domain -> masked domain (fpe style)
}

func buildEmail(b *builder) (Transformer, error) {
	t := &emailT{k: b.keyed(), fpe: b.p.str("style") == "fpe", keepDomain: b.p.bool("keep_domain"),
		domain: strings.ToLower(strings.TrimSpace(b.p.str("domain"))), maxLen: b.maxLen()}
	if t.keepDomain && t.domain != "" {
		return nil, b.errorf("keep_domain and domain contradict each other; set one of them")
	}
	if t.domain != "" && (strings.ContainsAny(t.domain, "@ ") || !strings.Contains(t.domain, ".")) {
		return nil, b.errorf("domain %q is not a domain name (e.g. example.com)", t.domain)
	}
	if b.col.Unique {
		if !t.fpe {
			return nil, b.notUnique("with style: fake draws names from a dictionary", "use the default style, fpe, which keeps addresses distinct")
		}
		if t.domain != "" {
			return nil, b.notUnique("with a fixed domain maps addresses of different domains onto one", "drop `domain:` (or use keep_domain)")
		}
	}
	if !t.fpe || t.domain != "" {
		shortest := len("a@") + len(fakeDomains[0])
		if t.domain != "" {
			shortest = len("a@") + utf8.RuneCountInString(t.domain)
		}
		if err := b.fitsLen(shortest, "the shortest address it writes"); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Mask masks an address: its local part and domain labels enciphered (fpe)
// or a fake address (fake), with the original case and spacing.
func (t *emailT) Mask(v []byte) ([]byte, error) {
	tv := splitText(v)
	s := tv.norm
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		// Not an address: encipher it whole (still injective, still fits).
		return tv.finish(t.k.fpeString(s, []byte("noat"), maskAll)), nil
	}
	local, domain := s[:at], s[at+1:]
	if !t.fpe {
		return tv.finish(t.fake(local, domain, tv)), nil
	}
	dom := domain
	switch {
	case t.domain != "":
		dom = t.domain
	case !t.keepDomain:
		dom = t.maskDomain(domain)
	}
	loc := t.k.fpeString(local, append([]byte("local\x00"), domain...), maskAll)
	if t.domain != "" {
		out := loc + "@" + dom
		if t.maxLen > 0 {
			out = fitLocal(loc, dom, t.maxLen-utf8.RuneCountInString(tv.lead)-utf8.RuneCountInString(tv.trail))
		}
		return tv.finish(out), nil
	}
	if t.keepDomain || !domainName(domain) {
		return tv.finish(loc + "@" + dom), nil
	}
	return t.undeliverable(tv, loc, dom), nil
}

// domainName reports whether s can be a mail domain (letters, digits,
// dots and hyphens; international letters too): text that merely holds an
// @ is enciphered as it is, without the reserved suffix.
func domainName(s string) bool {
	if s == "" || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return false
	}
	for _, r := range s {
		if !(r == '.' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// reservedSuffix ends every masked domain (unless the rule keeps or fixes
// the domain): .test is reserved by RFC 6761 and never delegated, so a
// twin cannot mail anyone whatever the enciphered labels spell.
const reservedSuffix = ".test"

// undeliverable finishes an enciphered address under the reserved
// top-level domain: local@labels.tld.test (the original top-level domain
// stays as a label, so distinct addresses stay distinct and equal domains
// equal). When the column's length limit has no room for that, the
// original top-level domain is dropped (local@labels.test), then the local
// part is shortened.
func (t *emailT) undeliverable(tv textValue, loc, dom string) []byte {
	out := make([]byte, 0, len(tv.lead)+len(loc)+len(dom)+len(reservedSuffix)+len(tv.trail)+1)
	out = append(out, tv.lead...)
	if t.maxLen > 0 {
		room := t.maxLen - utf8.RuneCountInString(tv.lead) - utf8.RuneCountInString(tv.trail) - len(reservedSuffix)
		if utf8.RuneCountInString(loc)+1+utf8.RuneCountInString(dom) > room {
			if dot := strings.LastIndexByte(dom, '.'); dot > 0 {
				dom = dom[:dot]
			}
			if n := utf8.RuneCountInString(loc) + 1 + utf8.RuneCountInString(dom); n > room {
				loc = truncateRunes(loc, max(1, utf8.RuneCountInString(loc)-(n-room)))
			}
		}
	}
	out = appendCase(out, tv.core, loc+"@"+dom)
	// The suffix takes the case of the original's domain: upper when it
	// has no lower-case letter (JOHN@GMAIL.COM), lower otherwise.
	suffix := reservedSuffix
	if d := tv.core[strings.LastIndexByte(tv.core, '@')+1:]; strings.ToUpper(d) == d && strings.ToLower(d) != d {
		suffix = strings.ToUpper(suffix)
	}
	out = append(out, suffix...)
	return append(out, tv.trail...)
}

// maskDomain enciphers every label of a domain but the last (the top-level
// domain), so gmail.com becomes the same five letters .com everywhere.
func (t *emailT) maskDomain(domain string) string {
	if d, ok := t.domains.get(domain); ok {
		return d
	}
	out := domain
	if dot := strings.LastIndexByte(domain, '.'); dot > 0 {
		out = t.k.fpeString(domain[:dot], append([]byte("domain\x00"), domain[dot:]...), maskAll) + domain[dot:]
	} else {
		out = t.k.fpeString(domain, []byte("domain\x00"), maskAll)
	}
	t.domains.put(domain, out)
	return out
}

func (t *emailT) fake(local, domain string, tv textValue) string {
	h := t.k.sum1([]byte(tv.norm))
	first := strings.ToLower(firstDict.pickFit(le64(h[0:]), 0))
	last := strings.ToLower(lastDict.pickFit(le64(h[8:]), 0))
	var loc string
	switch h[16] % 4 {
	case 0:
		loc = first + "." + last
	case 1:
		loc = first[:1] + last
	case 2:
		loc = first + "_" + last
	default:
		loc = first + last
	}
	if h[17]%3 == 0 || strings.ContainsAny(local, "0123456789") {
		loc += itoa(int(le64(h[18:]) % 100))
	}
	loc = strings.ReplaceAll(loc, " ", "")
	budget := t.maxLen - utf8.RuneCountInString(tv.lead) - utf8.RuneCountInString(tv.trail)
	di := pick(le64(h[24:]), len(fakeDomains))
	dom := fakeDomains[di]
	for j := 0; t.maxLen > 0 && j < len(fakeDomains) && len(dom)+2 > budget; j++ {
		dom = fakeDomains[(di+j)%len(fakeDomains)]
	}
	switch {
	case t.domain != "":
		dom = t.domain
	case t.keepDomain:
		dom = domain
	}
	if t.maxLen > 0 {
		return fitLocal(loc, dom, budget)
	}
	return loc + "@" + dom
}

// fitLocal shortens the local part so local@domain has at most n characters.
func fitLocal(local, domain string, n int) string {
	room := n - 1 - utf8.RuneCountInString(domain)
	if room < 1 {
		room = 1
	}
	return truncateRunes(local, room) + "@" + domain
}

// memo remembers a bounded number of results of a deterministic function
// (a speed-up only: it never changes an output).
type memo struct {
	m sync.Map
	n atomic.Int32
}

const memoMax = 4096

func (c *memo) get(k string) (string, bool) {
	v, ok := c.m.Load(k)
	if !ok {
		return "", false
	}
	return v.(string), true
}

func (c *memo) put(k, v string) {
	if c.n.Load() < memoMax {
		c.n.Add(1)
		c.m.Store(k, v)
	}
}
