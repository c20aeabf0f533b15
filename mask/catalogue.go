package mask

import (
	"fmt"
	"sort"

	"github.com/dbtwin/dbtwin"
)

// Info describes one transformer for `dbtwin transformers`.
type Info struct {
	Name    string
	Summary string
	Params  []Param
	// Unique reports whether the transformer can be used on a column in a
	// unique key (it is then injective: distinct inputs give distinct
	// outputs). UniqueNote says under which parameters, when it matters.
	Unique     bool
	UniqueNote string
	// Kinds lists the column kinds (dbtwin.Kind names) it accepts.
	Kinds []string
	// Normalize is the normalization class values are keyed by (see
	// Normalize): the leak scan compares values in this form.
	Normalize string
}

// Param describes one parameter of a transformer.
type Param struct {
	Name string
	// Type is one of TypeString, TypeInt, TypeFloat, TypeBool, TypeRule,
	// TypeRules, TypeList.
	Type string
	// Default is the value used when the parameter is absent, as text ("" =
	// none).
	Default string
	Doc     string

	def      any
	choices  []string
	required bool
}

// def is a transformer's declaration.
type def struct {
	name, summary string
	params        []Param
	unique        bool
	uniqueNote    string
	notUniqueWhy  string // why it cannot keep a unique column unique
	kinds         []dbtwin.Kind
	norm          string
	build         func(b *builder) (Transformer, error)
}

var (
	textKinds   = []dbtwin.Kind{dbtwin.KindText, dbtwin.KindOther}
	digitKinds  = []dbtwin.Kind{dbtwin.KindText, dbtwin.KindOther, dbtwin.KindInt, dbtwin.KindNumeric}
	numberKinds = []dbtwin.Kind{dbtwin.KindInt, dbtwin.KindFloat, dbtwin.KindNumeric, dbtwin.KindText, dbtwin.KindOther}
	dateKinds   = []dbtwin.Kind{dbtwin.KindDate, dbtwin.KindTimestamp, dbtwin.KindTimestampTZ, dbtwin.KindText, dbtwin.KindOther}
	allKinds    []dbtwin.Kind // nil: every kind
)

func p(name, typ string, def any, doc string) Param {
	d := ""
	if def != nil {
		d = fmt.Sprint(def)
	}
	return Param{Name: name, Type: typ, Default: d, Doc: doc, def: def}
}

func choice(name string, def string, doc string, choices ...string) Param {
	x := p(name, TypeString, def, doc)
	x.choices = choices
	return x
}

func required(x Param) Param { x.required = true; return x }

func styleParam(def string) Param {
	return choice("style", def, "fake: a value drawn from a dictionary (realistic, but two inputs may get "+
		"the same output); fpe: format-preserving encryption of the value's letters and digits "+
		"(same length and separators, distinct inputs stay distinct)", "fake", "fpe")
}

// registry lists every transformer; it is filled in init because the build
// functions refer back to it.
var (
	registry       []*def
	registryByName map[string]*def
)

func init() {
	registry = registryList()
	registryByName = map[string]*def{}
	for _, d := range registry {
		registryByName[d.name] = d
	}
}

func registryList() []*def {
	return []*def{
		{name: "email", summary: "an e-mail address; by default letters, digits and domain labels are enciphered (same shape) under the reserved top-level domain .test (RFC 6761), so no masked address can be delivered: user@gmail.com -> xkqb@wpdzq.com.test",
			params: []Param{styleParam("fpe"), p("keep_domain", TypeBool, false, "keep the original domain"),
				p("domain", TypeString, "", "use this domain for every address (then not unique-safe)")},
			unique: true, uniqueNote: "with style: fpe and no fixed domain", kinds: textKinds, norm: NormText, build: buildEmail},
		{name: "first_name", summary: "a first name", params: []Param{styleParam("fake")},
			unique: true, uniqueNote: "with style: fpe", kinds: textKinds, norm: NormText, build: buildFirstName},
		{name: "last_name", summary: "a last name", params: []Param{styleParam("fake")},
			unique: true, uniqueNote: "with style: fpe", kinds: textKinds, norm: NormText, build: buildLastName},
		{name: "full_name", summary: "a full name with as many words as the original", params: []Param{styleParam("fake")},
			unique: true, uniqueNote: "with style: fpe", kinds: textKinds, norm: NormText, build: buildFullName},
		{name: "username", summary: "a user name", params: []Param{styleParam("fpe")},
			unique: true, uniqueNote: "with style: fpe", kinds: textKinds, norm: NormText, build: buildUsername},
		{name: "phone", summary: "a phone number: country code, leading +, digit count and formatting kept, other digits enciphered",
			params: []Param{p("keep_country_code", TypeBool, true, "keep the leading country code (or trunk 0 / international 00 prefix)"),
				p("keep_prefix", TypeInt, 0, "keep this many further leading digits (e.g. an area code)"),
				p("format", TypeString, "", "ignore the original and write this pattern, # for a digit (then not unique-safe)")},
			unique: true, uniqueNote: "without format", kinds: digitKinds, norm: NormDigits, build: buildPhone},
		{name: "street_address", summary: "a street address (number and street)", params: []Param{styleParam("fake")},
			unique: true, uniqueNote: "with style: fpe", kinds: textKinds, norm: NormText, build: buildStreet},
		{name: "city", summary: "a city name", notUniqueWhy: "draws from a list of about a hundred cities",
			kinds: textKinds, norm: NormText, build: buildCity},
		{name: "postcode", summary: "a postal code: letters and digits enciphered in place (format kept)",
			unique: true, kinds: digitKinds, norm: NormText, build: buildPostcode},
		{name: "date", summary: "a date or timestamp in any common layout, moved by a keyed number of days within a window; time of day and layout kept",
			params: []Param{p("max_days", TypeInt, 30, "largest move in days"),
				p("keep_year", TypeBool, false, "stay within the same calendar year"),
				p("age_band", TypeInt, 0, "stay within the same band of this many calendar years (e.g. 10 for birth dates: 1980-1989); replaces max_days unless both are set"),
				p("day_first", TypeBool, false, "read n/n/yyyy dates as day/month/year (default month/day/year unless the first number is above 12)")},
			unique: true, kinds: dateKinds, norm: NormText, build: buildDate},
		{name: "number", summary: "a number with keyed noise; integers stay integers and decimals keep their scale",
			params: []Param{p("percent", TypeFloat, 10, "noise of up to this percentage of the value"),
				p("delta", TypeFloat, 0, "noise of up to this absolute amount instead of a percentage"),
				p("min", TypeFloat, nil, "lowest output"), p("max", TypeFloat, nil, "highest output")},
			notUniqueWhy: "adds noise, so two values may land on the same number", kinds: numberKinds, norm: NormText, build: buildNumber},
		{name: "digits", summary: "digits enciphered in place (same length, separators and letters kept)",
			params: []Param{choice("check", "none", "keep a trailing check digit valid (invalid ones stay invalid): luhn, or mod11 (ISBN-10 style: weights 1, 2, 3... from the right, X for 10)", "none", "luhn", "mod11"),
				p("keep_prefix", TypeInt, 0, "keep this many leading digits"),
				p("keep_length", TypeBool, true, "the length is always kept (false is refused)")},
			unique: true, kinds: digitKinds, norm: NormDigits, build: buildDigits},
		{name: "credit_card", summary: "a card number with a valid Luhn check digit, same length and formatting",
			params: []Param{p("keep_brand", TypeBool, true, "keep the brand prefix (4 Visa, 51-55 Mastercard, 34/37 Amex, ...)")},
			unique: true, kinds: digitKinds, norm: NormDigits, build: buildCard},
		{name: "iban", summary: "an IBAN with a valid mod-97 checksum, same country, length and spacing",
			unique: true, kinds: textKinds, norm: NormText, build: buildIBAN},
		{name: "ip", summary: "an IP address of the same version (IPv4 or IPv6)",
			params: []Param{p("prefix_bits", TypeInt, 0, "keep this many leading bits (the network part)")},
			unique: true, kinds: textKinds, norm: NormText, build: buildIP},
		{name: "uuid", summary: "a UUID enciphered as a whole (version and variant kept)",
			unique: true, kinds: []dbtwin.Kind{dbtwin.KindUUID, dbtwin.KindText, dbtwin.KindOther}, norm: NormText, build: buildUUID},
		{name: "text", summary: "free text: words replaced by dictionary words of the same length, punctuation and spacing kept",
			notUniqueWhy: "draws words from a dictionary", kinds: textKinds, norm: NormText, build: buildText},
		{name: "hash", summary: "a keyed hexadecimal digest",
			params: []Param{p("length", TypeInt, 32, "number of hex digits, 1 to 64"),
				p("normalize", TypeBool, true, "hash the normalized value (case and surrounding space ignored)")},
			unique: true, uniqueNote: "with length >= 32 and normalize: false (128 bits: a collision among a billion values has probability below 2^-64)",
			kinds: textKinds, norm: NormText, build: buildHash},
		{name: "partial", summary: "keep the first and last characters, mask the rest",
			params: []Param{p("keep_first", TypeInt, 0, "characters kept at the start"),
				p("keep_last", TypeInt, 4, "characters kept at the end"),
				p("char", TypeString, "*", "the mask character")},
			notUniqueWhy: "masks characters, so values that differ only there become equal", kinds: textKinds, norm: NormText, build: buildPartial},
		{name: "null", summary: "replace the value with NULL", notUniqueWhy: "writes NULL for every value",
			kinds: allKinds, norm: NormText, build: buildNull},
		{name: "constant", summary: "replace the value with a constant",
			params:       []Param{required(p("value", TypeScalar, nil, "the value to write"))},
			notUniqueWhy: "writes the same value everywhere", kinds: allKinds, norm: NormText, build: buildConstant},
		{name: "keep", summary: "keep the value (not sensitive)", unique: true, kinds: allKinds, norm: NormText, build: buildKeep},
		{name: "template", summary: "a Go text/template over the row's masked columns, e.g. \"{{.first_name}}.{{.last_name}}@example.com\"",
			params:       []Param{required(p("template", TypeString, nil, "the template; functions: lower, upper, title, trim, replace OLD NEW, left N, digits"))},
			notUniqueWhy: "a template cannot be proven to give distinct outputs", kinds: textKinds, norm: NormText, build: buildTemplate},
		{name: "regex", summary: "mask the parts of the value a regular expression matches: groups by nested rules, or a replacement",
			params: []Param{required(p("pattern", TypeString, nil, "the regular expression (RE2 syntax)")),
				p("groups", TypeRules, nil, "group number or name -> rule masking that group"),
				p("replacement", TypeString, nil, "replacement for each match; $1 or ${name} insert a group (masked if it has a rule)")},
			notUniqueWhy: "a regular expression cannot be proven to give distinct outputs", kinds: textKinds, norm: NormText, build: buildRegex},
		{name: "json", summary: "mask parts of a JSON document: paths to nested rules, and optionally every string that looks like an email, phone, card or IBAN",
			params: []Param{p("paths", TypeRules, nil, "JSON path ($.a.b, $.items[*].email, $..email) -> rule"),
				p("detect", TypeBool, false, "mask every string (and object key) that looks like an email, phone number, card number or IBAN")},
			notUniqueWhy: "masks parts of documents", kinds: []dbtwin.Kind{dbtwin.KindJSON, dbtwin.KindText, dbtwin.KindOther}, norm: NormExact, build: buildJSON},
	}
}

func transformerNames() []string {
	out := make([]string, 0, len(registry))
	for _, d := range registry {
		out = append(out, d.name)
	}
	sort.Strings(out)
	return out
}

// Catalogue lists every transformer with its parameters, sorted by name.
func Catalogue() []Info {
	out := make([]Info, 0, len(registry))
	for _, d := range registry {
		info := Info{Name: d.name, Summary: d.summary, Params: d.params, Unique: d.unique,
			UniqueNote: d.uniqueNote, Normalize: d.norm}
		if d.kinds == nil {
			info.Kinds = []string{"any"}
		}
		for _, k := range d.kinds {
			info.Kinds = append(info.Kinds, k.String())
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// NormClass returns the normalization class of a transformer's values (see
// Normalize), or NormText for an unknown name.
func NormClass(transformer string) string {
	if d := registryByName[transformer]; d != nil {
		return d.norm
	}
	return NormText
}
