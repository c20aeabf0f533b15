// Package mask is dbtwin's masking engine: it replaces personal data with
// realistic values, column by column, so that a twin database behaves like
// production and leaks nothing.
//
// # Masking is a keyed function of the value
//
// Every transformer computes out = F(HMAC-SHA256(K, kind || normalize(in)))
// (or enciphers normalize(in) with FF1 under a key derived the same way),
// where K comes from the secret given to New and kind is the transformer's
// name plus every parameter that changes its output, defaults included. So:
//
//   - the same value masked by the same rule gives the same output in every
//     table, column and run: joins, duplicate checks and overlaps between
//     tables (declared or not) behave as in production;
//   - another secret gives other outputs; NewRandom draws a key per run;
//   - values equal after normalization (surrounding space and letter case
//     for text; digits only for phones and identifiers, see Normalize) are
//     masked to outputs equal after the same normalization, and the
//     original's letter case and surrounding space are put back;
//   - NULL stays NULL and an empty value stays empty.
//
// Whether a column is unique never changes a rule's output, so a value
// masked in a unique column and in a non-unique one still matches.
//
// # Uniqueness by construction
//
// Build is told (ColumnInfo.Unique) when a column takes part in a unique key
// of any shape. The transformer must then be injective, and is so by
// construction, never by retrying or remembering:
//
//   - format-preserving encryption (ff1.go, NIST SP 800-38G FF1 with AES,
//     checked against the NIST samples) over the value's own characters,
//     class by class: digits stay digits, ASCII letters stay ASCII letters,
//     letters of other scripts stay in their script, every other character
//     stays where it is (fpe.go). email, username, the fpe style of the
//     name and address transformers, postcode, digits, phone, credit_card,
//     iban and uuid work this way: same length, same separators;
//   - keyed permutations of a range by cycle walking: dates move within
//     windows of days, IP addresses within their version;
//   - check digits (Luhn, mod 11, IBAN mod 97) recomputed so that valid
//     values stay valid and invalid ones stay invalid, one to one.
//
// Transformers that draw from dictionaries (the fake style of names, city,
// text), add noise (number), or write fixed values (null, constant) are
// refused on unique columns with the reason and the fix.
//
// # Fitting the column
//
// Build checks a rule against the column before any data moves: the column
// kind (email on an integer column is refused), the length limit (a phone
// format longer than varchar(8) is refused; dictionary values are picked to
// fit), NOT NULL (null is refused), enum labels and literal types
// (constant). Format-preserving outputs always have the input's length;
// digit strings that fit a 2-, 4- or 8-byte integer still do after masking.
//
// # Rules, conditions and rows
//
// A Spec names a transformer with its parameters as decoded from YAML; a
// nested rule (json paths, regex groups) is a name or a map with
// `transformer:`. Catalogue lists every transformer and parameter. Unknown
// names and parameters are errors with a "did you mean" suggestion.
//
// Table applies the rules of one table to whole rows: a rule's When
// condition (when.go: ==, !=, <, >, =~, is [not] null, and, or, not,
// parentheses) is evaluated on the row's original values; templates (Go
// text/template over the row's masked values) run after the columns they
// read. json masks the nodes selected by paths ($.a.b, $.items[*].email,
// $..email) and, with detect, every string or object key that looks like an
// email, phone, card or IBAN, with the same outputs as the column rules.
//
// # Speed
//
// Key material is derived once per kind; HMAC states are pooled; FF1 runs
// its rounds on machine words for values up to 38 digits or 26 letters per
// character class, and in linear time (chunked, two chained passes) for long
// values. Dictionaries are gofakeit's data tables, indexed by the keyed hash.
// See BenchmarkTransformers.
package mask
