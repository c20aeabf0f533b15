package snapshot

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/klauspost/compress/zstd"
)

// Magic opens every snapshot file; FormatVersion follows it (2 bytes,
// big-endian). A reader refuses a version it does not know.
const (
	Magic         = "DBTWSNAP"
	FormatVersion = 1
)

// Record kinds. Every record is kind (1 byte), payload length (8 bytes,
// big-endian) and payload.
const (
	recHeader   = 'H'
	recChunk    = 'C'
	recManifest = 'M'
	recEnd      = 'E'
)

const (
	prefixLen    = len(Magic) + 2
	recHeaderLen = 9
	// endPayloadLen is the end record's payload: the manifest record's
	// offset (8 bytes) and the SHA-256 of its payload.
	endPayloadLen = 8 + sha256.Size
	endRecordLen  = recHeaderLen + endPayloadLen
	// chunkRaw is the uncompressed size at which a table's chunk is cut.
	chunkRaw = 4 << 20
)

// ErrCorrupt marks a snapshot file that is truncated, damaged or not a
// snapshot: it is refused before anything is written to a target.
var ErrCorrupt = errors.New("snapshot refused")

// Header is written first, before the data: what the snapshot is of and how
// to recreate its schema.
type Header struct {
	Version int       `json:"version"`
	Created time.Time `json:"created"`
	// Engine and ServerVersion describe the source database.
	Engine        string `json:"engine"`
	ServerVersion string `json:"server_version"`
	// Source is the source's URL with any password removed.
	Source string `json:"source"`
	// SourceIdentity names the source database (server identifier and
	// database, or the file).
	SourceIdentity string `json:"source_identity,omitempty"`
	// Schema is the neutral schema the data was read with; SchemaDump the
	// engine's own, used to create the schema in a target.
	Schema     *dbtwin.Schema     `json:"schema"`
	SchemaDump *dbtwin.SchemaDump `json:"schema_dump"`
	// Tables lists the tables with rows.
	Tables []string `json:"tables"`
	// SourceViolations is what the source itself breaks (constraints it
	// has not validated, orphan rows under keys it does not enforce), so a
	// restore tells a faithful copy from a broken one as a clone does.
	SourceViolations *dbtwin.Verification `json:"source_violations,omitempty"`
}

// Manifest is written last: every chunk with its checksum, per-table totals
// and what the making of the snapshot found.
type Manifest struct {
	Version  int       `json:"version"`
	Finished time.Time `json:"finished"`
	// HeaderOffset, HeaderLength and HeaderSHA256 locate and check the
	// header record's payload.
	HeaderOffset int64        `json:"header_offset"`
	HeaderLength int64        `json:"header_length"`
	HeaderSHA256 string       `json:"header_sha256"`
	Tables       []TableEntry `json:"tables"`
	// ConfigDigest is the SHA-256 of the configuration the snapshot was
	// made with (empty without one).
	ConfigDigest string `json:"config_digest,omitempty"`
	Subset       bool   `json:"subset"`
	// Masked lists the masked columns as table.column.
	Masked []string `json:"masked_columns"`
	// LeakScan summarises the leak scan the snapshot passed (nil when no
	// column was masked or the scan was skipped).
	LeakScan *LeakSummary `json:"leak_scan,omitempty"`
	// LeakScanSkipped is true when columns were masked but the leak scan
	// was switched off (clone.Options.NoLeakScan).
	LeakScanSkipped bool `json:"leak_scan_skipped,omitempty"`
	// Baseline holds production's side of fidelity checks (aggregates
	// only), for `dbtwin check --baseline FILE`.
	Baseline json.RawMessage `json:"baseline,omitempty"`
	// Duration is how long making the snapshot took.
	Duration time.Duration `json:"duration_ns"`
}

// TableEntry is one table's data in the snapshot.
type TableEntry struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
	// Codec is the rows' encoding: "pgcopy" (PostgreSQL COPY text) or
	// "fields" (length-prefixed fields with SQLite storage classes).
	Codec string `json:"codec"`
	// SourceRows is the row count read from the source; Rows the count stored.
	SourceRows int64 `json:"source_rows"`
	Rows       int64 `json:"rows"`
	// RawBytes and Bytes are the data's size before and after compression.
	RawBytes int64   `json:"raw_bytes"`
	Bytes    int64   `json:"bytes"`
	Chunks   []Chunk `json:"chunks"`
	// SHA256 is the SHA-256 of the table's chunk checksums, in order.
	SHA256 string `json:"sha256"`
}

// Chunk is one compressed block of a table's rows.
type Chunk struct {
	Offset int64  `json:"offset"` // of the record's payload
	Length int64  `json:"length"` // of the payload (compressed)
	Rows   int64  `json:"rows"`
	Raw    int64  `json:"raw"` // uncompressed size
	SHA256 string `json:"sha256"`
}

// LeakSummary is what the leak scan of the snapshot's data found.
type LeakSummary struct {
	OK           bool             `json:"ok"`
	Leaks        int              `json:"leaks"`
	Digests      int              `json:"digests"`
	Tables       int              `json:"tables"`
	RowsScanned  int64            `json:"rows_scanned"`
	CellsScanned int64            `json:"cells_scanned"`
	Exemptions   map[string]int64 `json:"exemptions,omitempty"`
}

// Table returns the entry of a table, or nil.
func (m *Manifest) Table(name string) *TableEntry {
	for i := range m.Tables {
		if m.Tables[i].Table == name {
			return &m.Tables[i]
		}
	}
	return nil
}

// tableDigest hashes a table's chunk checksums in order.
func tableDigest(chunks []Chunk) string {
	h := sha256.New()
	for _, c := range chunks {
		h.Write([]byte(c.SHA256))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func recordHeader(kind byte, n int64) []byte {
	b := make([]byte, recHeaderLen)
	b[0] = kind
	binary.BigEndian.PutUint64(b[1:], uint64(n))
	return b
}

func filePrefix() []byte {
	b := append([]byte(Magic), 0, 0)
	binary.BigEndian.PutUint16(b[len(Magic):], FormatVersion)
	return b
}

// checkPrefix validates the magic and the format version.
func checkPrefix(b []byte, name string) error {
	if len(b) < prefixLen || !bytes.Equal(b[:len(Magic)], []byte(Magic)) {
		return fmt.Errorf("%w: %s is not a dbtwin snapshot (it does not start with %q): give a file written by `dbtwin snapshot create`", ErrCorrupt, name, Magic)
	}
	if v := binary.BigEndian.Uint16(b[len(Magic):]); v != FormatVersion {
		if v > FormatVersion {
			return fmt.Errorf("%w: %s is snapshot format version %d, newer than this dbtwin reads (%d): upgrade dbtwin", ErrCorrupt, name, v, FormatVersion)
		}
		return fmt.Errorf("%w: %s is snapshot format version %d, which this dbtwin (format %d) does not read: make the snapshot again", ErrCorrupt, name, v, FormatVersion)
	}
	return nil
}

// compressJSON marshals v and compresses it.
func compressJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	enc := encoders.Get().(*zstd.Encoder)
	defer encoders.Put(enc)
	return enc.EncodeAll(raw, nil), nil
}

func decompressJSON(b []byte, v any) error {
	dec := decoders.Get().(*zstd.Decoder)
	defer decoders.Put(dec)
	raw, err := dec.DecodeAll(b, nil)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// readFull reads exactly len(b) bytes at off, reporting truncation.
func readFull(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func putUint64(b []byte, v uint64) { binary.BigEndian.PutUint64(b, v) }

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err) // only called on sum's output
	}
	return b
}
