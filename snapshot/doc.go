// Package snapshot makes a twin once, as a file, and restores it anywhere
// without production credentials or the masking secret.
//
// Create runs clone's own pipeline (one consistent read, subset, masking,
// the leak scan) with a snapshot file as the target; a snapshot whose leak
// scan fails is never written. Open checks a snapshot end to end; Restore
// builds a database from it with clone's own path (schema, data in bulk and
// in parallel, post-data, verification), the file playing the source; Info
// and Inspect describe it.
//
// # File format (version 1)
//
// A snapshot is one file, written front to back (so it can go to a pipe):
//
//	"DBTWSNAP" | format version (uint16, big-endian) |
//	record* (kind byte, payload length uint64 big-endian, payload)
//
//	'H' header    zstd(JSON Header): engine, server version, source (no
//	              password), creation time, neutral schema, the engine's
//	              schema dump (PostgreSQL: pg_dump pre-data and post-data
//	              SQL, sequence values; SQLite: sqlite_master statements,
//	              file settings, AUTOINCREMENT counters)
//	'C' chunk     zstd frame of about 4 MiB of one table's rows: PostgreSQL
//	              COPY text ("pgcopy"), or length-prefixed fields with their
//	              SQLite storage class ("fields")
//	'M' manifest  zstd(JSON Manifest): per table its columns, codec, rows,
//	              sizes and chunks (offset, length, rows, SHA-256), the
//	              header's offset and SHA-256, config digest, masked columns,
//	              leak-scan summary
//	'E' end       the manifest's offset (uint64) and SHA-256 (32 bytes)
//
// Chunks of tables written in parallel interleave; the manifest orders them.
// A reader checks the prefix (a wrong version is refused by number), the end
// record (missing: truncated), the manifest's and the header's checksums,
// then every chunk's SHA-256, before anything is restored. A stream (standard
// input) is first copied to a temporary file and checked the same way.
package snapshot
