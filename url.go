package dbtwin

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// URL is a parsed database URL. ParseURL is the only parser: every command
// and engine reads the same fields from it, so a URL means the same thing
// everywhere.
type URL struct {
	// Engine is "postgres", "mysql" or "sqlite".
	Engine string
	// Raw is the URL as given (it may hold a password: never print it; use
	// Redacted, or RedactText for messages that might quote it).
	Raw string
	// Scheme is the URL's scheme as given ("postgresql", "mariadb", "sqlite"…),
	// empty for a plain SQLite path.
	Scheme string
	// User and Password come from the URL's userinfo, percent-decoded.
	// HasPassword tells an empty password from none.
	User        string
	Password    string
	HasPassword bool
	// Host is the host list as given ("h", "h:5432", "[::1]:5432",
	// "h1:5432,h2:5433"); empty means the engine's default.
	Host string
	// Database is the database name (PostgreSQL, MySQL), percent-decoded.
	Database string
	// Path is the file path for SQLite, without URI parameters.
	Path string
	// Params are the URL's query parameters (engine settings for network
	// engines, URI parameters for SQLite).
	Params url.Values
}

// ParseURL recognises postgres://, postgresql://, mysql://, mariadb://,
// sqlite:PATH (also sqlite://PATH) and a plain path ending in .db, .sqlite or
// .sqlite3. For network URLs the userinfo ends at the last "@" before the
// query, so a password may hold an unescaped "@" (or "/", ":"); a "?" or "#"
// in a password must be percent-encoded. SQLite paths may carry URI
// parameters after "?" (see the sqlite package for the accepted ones).
// Errors never quote the URL's password.
func ParseURL(raw string) (*URL, error) {
	s := strings.TrimSpace(raw)
	lower := strings.ToLower(s)
	switch {
	case s == "":
		return nil, fmt.Errorf("%w: empty database URL; give postgres://…, mysql://… or sqlite:PATH", ErrUsage)
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return parseNetURL(s, "postgres")
	case strings.HasPrefix(lower, "mysql://"), strings.HasPrefix(lower, "mariadb://"):
		return parseNetURL(s, "mysql")
	case strings.HasPrefix(lower, "sqlite://"):
		return parseFileURL(s, "sqlite", s[len("sqlite://"):])
	case strings.HasPrefix(lower, "sqlite:"):
		return parseFileURL(s, "sqlite", s[len("sqlite:"):])
	case hasAnySuffix(strings.ToLower(pathPart(s)), ".db", ".sqlite", ".sqlite3"),
		hasAnySuffix(strings.ToLower(s), ".db", ".sqlite", ".sqlite3"):
		return parseFileURL(s, "", s)
	}
	if i := strings.Index(s, "://"); i > 0 {
		return nil, fmt.Errorf("%w: unrecognised database URL scheme %q: use postgres://…, mysql://…, mariadb://…, sqlite:PATH or a path ending in .db/.sqlite",
			ErrUsage, s[:i])
	}
	return nil, fmt.Errorf("%w: unrecognised database URL %q: use postgres://…, mysql://…, sqlite:PATH or a path ending in .db/.sqlite",
		ErrUsage, redactLoose(s))
}

func pathPart(s string) string {
	if i := strings.IndexByte(s, '?'); i >= 0 {
		return s[:i]
	}
	return s
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// parseNetURL parses scheme://[user[:password]@]hosts[/database][?params].
func parseNetURL(s, engine string) (*URL, error) {
	i := strings.Index(s, "://")
	u := &URL{Engine: engine, Raw: s, Scheme: strings.ToLower(s[:i]), Params: url.Values{}}
	rest := s[i+3:]
	if j := strings.IndexByte(rest, '#'); j >= 0 && !strings.Contains(rest[j:], "@") {
		rest = rest[:j]
	}
	query := ""
	// The userinfo ends at the last "@" before the first "?" that follows
	// it: passwords may contain "@", "/" and ":".
	q := strings.IndexByte(rest, '?')
	head := rest
	if q >= 0 {
		head = rest[:q]
	}
	if at := strings.LastIndexByte(head, '@'); at >= 0 {
		info := rest[:at]
		rest = rest[at+1:]
		user, pass, has := strings.Cut(info, ":")
		u.User, u.Password, u.HasPassword = unescape(user), unescape(pass), has
	}
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		rest, query = rest[:q], rest[q+1:]
	}
	host, db, _ := strings.Cut(rest, "/")
	u.Host = host
	u.Database = unescape(db)
	if err := checkHosts(host); err != nil {
		return nil, fmt.Errorf("%w: %s URL %s: %v (percent-encode \"?\", \"#\" and \"%%\" in a password: %%3F, %%23, %%25)",
			ErrUsage, engineTitle(engine), u.Redacted(), err)
	}
	if query != "" {
		vals, err := url.ParseQuery(query)
		if err != nil {
			return nil, fmt.Errorf("%w: %s URL %s: bad query parameters: percent-encode special characters in parameter values",
				ErrUsage, engineTitle(engine), u.Redacted())
		}
		u.Params = vals
	}
	return u, nil
}

func engineTitle(engine string) string {
	switch engine {
	case "postgres":
		return "PostgreSQL"
	case "mysql":
		return "MySQL"
	}
	return "SQLite"
}

// checkHosts validates "h[:port][,h[:port]…]" so that a mis-split URL is an
// error rather than a host name holding half a password.
func checkHosts(hosts string) error {
	if hosts == "" {
		return nil
	}
	for _, h := range strings.Split(hosts, ",") {
		name, port := h, ""
		if strings.HasPrefix(h, "[") {
			end := strings.IndexByte(h, ']')
			if end < 0 {
				return fmt.Errorf("unterminated IPv6 address")
			}
			name, port = h[1:end], strings.TrimPrefix(h[end+1:], ":")
		} else if k := strings.LastIndexByte(h, ':'); k >= 0 {
			name, port = h[:k], h[k+1:]
		}
		for _, c := range port {
			if c < '0' || c > '9' {
				return fmt.Errorf("the port of host %d is not a number", 1+strings.Count(hosts[:strings.Index(hosts, h)], ","))
			}
		}
		if strings.ContainsAny(name, " @/?#") {
			return fmt.Errorf("host %d is not a valid host name", 1+strings.Count(hosts[:strings.Index(hosts, h)], ","))
		}
	}
	return nil
}

func unescape(s string) string {
	if v, err := url.PathUnescape(s); err == nil {
		return v
	}
	return s
}

// parseFileURL parses a SQLite path with optional URI parameters.
func parseFileURL(s, scheme, rest string) (*URL, error) {
	u := &URL{Engine: "sqlite", Raw: s, Scheme: scheme, Params: url.Values{}}
	path, query, hasQuery := strings.Cut(rest, "?")
	u.Path = path
	if hasQuery {
		vals, err := url.ParseQuery(query)
		if err != nil && !hasAnySuffix(strings.ToLower(s), ".db", ".sqlite", ".sqlite3") {
			return nil, fmt.Errorf("%w: SQLite URL %s: bad parameters after \"?\" (write sqlite:PATH?mode=ro, or percent-encode a \"?\" in the file name as %%3F)",
				ErrUsage, redactLoose(s))
		}
		u.Params = vals
		if p, err := url.PathUnescape(path); err == nil {
			u.Path = p
		}
	}
	return u, nil
}

// secretParam reports whether a URL parameter holds a secret.
func secretParam(key string) bool {
	k := strings.ToLower(key)
	for _, w := range []string{"password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "credential"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// Secrets returns the URL's secret values: the password and the values of
// password-like parameters (password, sslpassword, token, …).
func (u *URL) Secrets() []string {
	var out []string
	if u.Password != "" {
		out = append(out, u.Password)
	}
	for k, vs := range u.Params {
		if secretParam(k) {
			for _, v := range vs {
				if v != "" {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// ConnString returns the URL in canonical, properly escaped form, password
// included: give it to drivers, never print it.
func (u *URL) ConnString() string { return u.build(false) }

// Redacted returns the URL with the password and every password-like
// parameter replaced by "xxxxx".
func (u *URL) Redacted() string { return u.build(true) }

// String is Redacted, so a URL printed by accident shows no secret.
func (u *URL) String() string { return u.Redacted() }

func (u *URL) build(redacted bool) string {
	var b strings.Builder
	params := u.Params
	if redacted {
		params = url.Values{}
		for k, vs := range u.Params {
			if secretParam(k) {
				params[k] = []string{"xxxxx"}
			} else {
				params[k] = vs
			}
		}
	}
	if u.Engine == "sqlite" {
		if u.Scheme != "" {
			b.WriteString(u.Scheme + ":")
		}
		b.WriteString(u.Path)
	} else {
		b.WriteString(u.Scheme + "://")
		if u.User != "" || u.HasPassword {
			if u.HasPassword {
				pass := u.Password
				if redacted {
					pass = "xxxxx"
				}
				b.WriteString(url.UserPassword(u.User, pass).String())
			} else {
				b.WriteString(url.User(u.User).String())
			}
			b.WriteByte('@')
		}
		b.WriteString(u.Host)
		if u.Database != "" {
			b.WriteString("/" + url.PathEscape(u.Database))
		}
	}
	if len(params) > 0 {
		b.WriteString("?" + encodeSorted(params))
	}
	return b.String()
}

func encodeSorted(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, x := range v[k] {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(x))
		}
	}
	return strings.Join(parts, "&")
}

// WithParam returns a copy of the URL with a query parameter set unless the
// URL already sets it.
func (u *URL) WithParam(key, value string) *URL {
	c := *u
	c.Params = url.Values{}
	for k, vs := range u.Params {
		c.Params[k] = append([]string(nil), vs...)
	}
	if !c.Params.Has(key) {
		c.Params.Set(key, value)
	}
	return &c
}

// RedactText removes the URL's secrets from a message, whatever the text
// around them: every occurrence of the password and of password-like
// parameter values (also percent-encoded), then the secrets of any database
// URL quoted in the message. A secret shorter than 4 characters is replaced
// only where it stands alone, so that a one-letter password does not mangle
// every word that contains the letter.
func (u *URL) RedactText(msg string) string {
	if u != nil {
		for _, sec := range u.Secrets() {
			msg = redactSecret(msg, sec)
		}
	}
	return RedactText(msg)
}

func redactSecret(msg, sec string) string {
	msg = redactFragments(msg, sec)
	forms := []string{sec, url.QueryEscape(sec), url.PathEscape(sec), strings.TrimPrefix(url.UserPassword("", sec).String(), ":")}
	for _, f := range forms {
		if f == "" {
			continue
		}
		if len(f) >= 4 {
			msg = strings.ReplaceAll(msg, f, "xxxxx")
			continue
		}
		re := regexp.MustCompile(`(^|[^\pL\pN_])` + regexp.QuoteMeta(f) + `($|[^\pL\pN_])`)
		for re.MatchString(msg) {
			msg = re.ReplaceAllString(msg, "${1}xxxxx${2}")
		}
	}
	return msg
}

// redactFragments replaces runs of the message that repeat a long piece of
// the secret (at least half of it, and 6 bytes): a message that quotes a
// mis-split URL must not show the rest of a password either.
func redactFragments(msg, sec string) string {
	if len(sec) < 8 {
		return msg
	}
	min := max(6, (len(sec)+1)/2)
	var b strings.Builder
	for i := 0; i < len(msg); {
		best := 0
		for j := 0; j < len(sec); j++ {
			k := 0
			for i+k < len(msg) && j+k < len(sec) && msg[i+k] == sec[j+k] {
				k++
			}
			best = max(best, k)
		}
		if best >= min {
			b.WriteString("xxxxx")
			i += best
			continue
		}
		b.WriteByte(msg[i])
		i++
	}
	return b.String()
}

// RedactURL returns a database URL with its password and password-like
// parameters hidden, for messages. A URL too malformed to parse is reduced
// to its scheme.
func RedactURL(raw string) string {
	if u, err := ParseURL(raw); err == nil {
		return u.Redacted()
	}
	return redactLoose(raw)
}

// redactLoose hides whatever could be a secret in a string that did not
// parse as a URL: everything between "://" and the last "@", and the values
// of password-like key=value settings.
func redactLoose(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		if at := strings.LastIndexByte(s, '@'); at > i {
			s = s[:i+3] + "xxxxx" + s[at:]
		}
	}
	return secretSetting.ReplaceAllStringFunc(s, func(m string) string {
		k, _, _ := strings.Cut(m, "=")
		if secretParam(k) {
			return k + "=xxxxx"
		}
		return m
	})
}

var (
	secretSetting = regexp.MustCompile(`[A-Za-z_]+=[^&\s]*`)
	embeddedURL   = regexp.MustCompile(`(?i)\b(postgres|postgresql|mysql|mariadb)://[^\s"'` + "`" + `]*`)
)

// RedactText hides the secrets of every database URL quoted in a message
// and the values of password-like key=value settings.
func RedactText(msg string) string {
	msg = embeddedURL.ReplaceAllStringFunc(msg, func(u string) string {
		// Punctuation that ends a sentence is not part of the URL.
		trimmed := strings.TrimRight(u, ":;,.)")
		return RedactURL(trimmed) + u[len(trimmed):]
	})
	return secretSetting.ReplaceAllStringFunc(msg, func(m string) string {
		k, v, _ := strings.Cut(m, "=")
		if secretParam(k) && v != "xxxxx" {
			return k + "=xxxxx"
		}
		return m
	})
}
