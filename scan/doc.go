// Package scan finds, from the data itself, the columns of a database that
// hold personal data and the relationships nobody declared, with a bounded,
// predictable load on the database. It backs `dbtwin scan` and `dbtwin init`.
//
// # Reading
//
// Run takes a read-only snapshot (dbtwin.Snapshot) and reads each table once
// with one statement: up to Options.Sample rows (default 1000). A table that
// fits is read whole (LIMIT Sample+1 tells); a large PostgreSQL table is
// sampled by pages (TABLESAMPLE SYSTEM ... REPEATABLE, falling back to the
// first rows when page sampling comes back too thin); a large SQLite table by
// ten rowid windows spread over the table. Partitions are read through their
// partitioned parent. Long text is cut to 4 KiB, binary columns are not read.
// Statements are counted against Options.MaxQueries (default 2000); when the
// budget runs out the scan stops asking and says so in Result.Warnings.
// Result.Stats and Result.Tables say how many rows and statements were used.
//
// # Personal data (classify.go, detect.go, dictionary.go, checksum.go, text.go)
//
// Each column is judged on two kinds of evidence, combined into a confidence
// (0..1) and a level (high >= 0.8, medium >= 0.5, low):
//
//   - its name, tokenised (snake_case, camelCase, acronyms, accents folded)
//     and looked up in a multilingual dictionary (en, de, fr, es, it, nl, pt,
//     pl, sv, fi, da/no): NameCategory exposes the unambiguous part of it;
//   - its sampled values, run through detectors: e-mail, phone (written
//     forms and digit counts), payment cards (issuer prefix + Luhn), IBAN
//     (mod 97), national IDs with check digits or strict shapes (US SSN,
//     Dutch BSN, Swedish personnummer, Spanish DNI/NIE, Finnish HETU, Polish
//     PESEL, Brazilian CPF, UK NINO), IPv4/IPv6, birth dates (ages 0-110
//     spread over years), given names and surnames (gofakeit's lists plus
//     European ones), street addresses (number + street word in many
//     languages), postal-code shapes, secrets (key prefixes, password hashes,
//     JWTs, hex digests, high-entropy strings); JSON documents are walked and
//     judged per key path ($.contact.email); prose is searched for e-mails,
//     phones, IDs and people.
//
// A name alone gives a medium finding; values that contradict a detectable
// name ("email" holding no e-mail) give a low one. Findings carry evidence
// made of names, counts and rates only: no sampled value ever reaches a
// Result, a report or a config (see TestNoValueInOutput).
//
// # Relationships (relate.go, discover.go, probe.go, rank.go)
//
// Declared foreign keys are listed as declared. For the others, candidate
// pairs child -> parent are built from the key family of the column kinds
// (integer, text, UUID) and the names (customer_id -> customers.id,
// country_code -> country.code, manager_staff_id -> staff.staff_id,
// reports_to -> the table's own key, support_rep_id -> employee, fuzzy
// stems such as ship_via -> shippers), restricted to parents that are
// declared unique or distinct in their sample. Integer children with no name
// evidence are tried against declared keys when their values could be
// references: within the key range and spread over it (a status code 1..3
// in an ID range is not).
//
// Candidates are tested on the data: the child's sampled distinct values
// (up to Options.ProbeValues, chosen by hash) are looked up in the parent,
// from the parent's sample when it was read whole, else through its unique
// index in batches (SELECT key FROM parent WHERE key IN (...)); a parent
// with no index is never scanned: the overlap of the two samples is scaled
// by the share of the parent that was sampled. Each accepted link keeps the
// best parent per child column, ranked by coverage, name similarity, parent
// uniqueness and the number of values behind it.
//
// Value links join two columns that share identifiers without either being
// a key of the other (DESIGN.md §1: guest purchases and users sharing
// national IDs): columns of the same identifying category (national_id,
// email, phone, iban, credit_card, username) or with the same identifier-like
// name are measured both ways and reported with both overlap rates.
//
// # Output (render.go, config.go)
//
// WriteText prints an aligned report, WriteJSON the versioned Result
// ("version": 1), and WriteConfig a starter dbtwin.yaml: mask rules with the
// suggested transformer of the mask catalogue, keep for text columns judged
// safe, relations for high-confidence links (medium ones commented out), and
// a commented-out subset rooted at the main table of people. Sensitive
// returns the findings strict mode must treat as personal data.
package scan
