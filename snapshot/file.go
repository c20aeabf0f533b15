package snapshot

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// File is a snapshot opened for reading. Open checks the whole file (format
// version, end record, manifest, header and the SHA-256 of every chunk)
// before returning it, so a truncated, damaged or foreign file is refused
// before anything reads its data. A File is also a dbtwin.Source: clone
// reads it like a database to restore it.
type File struct {
	// Header and Manifest are the snapshot's description (see Inspect).
	Header   Header
	Manifest Manifest
	// Size is the file's size in bytes.
	Size int64

	name  string
	f     *os.File
	spool string // temporary copy of standard input, removed by Close
}

var (
	_ dbtwin.Source         = (*File)(nil)
	_ dbtwin.SchemaExporter = (*File)(nil)
)

// Open opens and checks the snapshot file at path; "-" reads standard input
// (see OpenReader).
func Open(path string) (*File, error) {
	if path == "-" {
		return OpenReader(os.Stdin, "")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: open snapshot: %w", dbtwin.ErrUsage, err)
	}
	sf := &File{name: path, f: f}
	if err := sf.check(); err != nil {
		f.Close()
		return nil, err
	}
	return sf, nil
}

// OpenReader copies a snapshot stream (standard input, a download) into a
// temporary file in dir (os.TempDir() when empty), then opens and checks it
// as Open does: nothing is restored from a stream that turns out truncated
// or damaged. Close removes the temporary file.
func OpenReader(r io.Reader, dir string) (*File, error) {
	tmp, err := os.CreateTemp(dir, "dbtwin-snapshot-*.spool")
	if err != nil {
		return nil, fmt.Errorf("snapshot from standard input: create a temporary file (set TMPDIR to a directory with room): %w", err)
	}
	name := tmp.Name()
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		os.Remove(name)
		return nil, fmt.Errorf("snapshot from standard input: spool to %s: %w", name, err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		tmp.Close()
		os.Remove(name)
		return nil, err
	}
	sf := &File{name: "standard input", f: tmp, spool: name}
	if err := sf.check(); err != nil {
		sf.Close()
		return nil, err
	}
	return sf, nil
}

func (s *File) corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrCorrupt, s.name, fmt.Sprintf(format, args...))
}

// readRecord reads the record whose payload starts at off, checking its
// kind and length.
func (s *File) readRecord(kind byte, off, length int64, what string) ([]byte, error) {
	if off < int64(prefixLen+recHeaderLen) || length < 0 || off+length > s.Size {
		return nil, s.corrupt("%s lies outside the file (offset %d, %d bytes, file %d bytes): the file is truncated or damaged", what, off, length, s.Size)
	}
	hdr := make([]byte, recHeaderLen)
	if err := readFull(s.f, hdr, off-recHeaderLen); err != nil {
		return nil, s.corrupt("read %s: %v", what, err)
	}
	if hdr[0] != kind || int64(binary.BigEndian.Uint64(hdr[1:])) != length {
		return nil, s.corrupt("%s at offset %d: record header does not match the manifest: the file is damaged", what, off)
	}
	b := make([]byte, length)
	if err := readFull(s.f, b, off); err != nil {
		return nil, s.corrupt("read %s: %v", what, err)
	}
	return b, nil
}

// check validates the file end to end.
func (s *File) check() error {
	st, err := s.f.Stat()
	if err != nil {
		return err
	}
	s.Size = st.Size()
	prefix := make([]byte, prefixLen)
	if err := readFull(s.f, prefix, 0); err != nil {
		if s.Size == 0 {
			return s.corrupt("the file is empty")
		}
		return checkPrefix(prefix[:s.Size], s.name)
	}
	if err := checkPrefix(prefix, s.name); err != nil {
		return err
	}
	truncated := s.corrupt("the file is truncated: its end record is missing (%d bytes; an interrupted create, upload or download?): use a complete copy", s.Size)
	if s.Size < int64(prefixLen+endRecordLen) {
		return truncated
	}
	end := make([]byte, endRecordLen)
	if err := readFull(s.f, end, s.Size-int64(endRecordLen)); err != nil {
		return truncated
	}
	if end[0] != recEnd || binary.BigEndian.Uint64(end[1:recHeaderLen]) != endPayloadLen {
		return truncated
	}
	moff := int64(binary.BigEndian.Uint64(end[recHeaderLen:]))
	msum := hex.EncodeToString(end[recHeaderLen+8:])
	mlen := s.Size - int64(endRecordLen) - moff
	mpay, err := s.readRecord(recManifest, moff, mlen, "the manifest")
	if err != nil {
		return err
	}
	if sum(mpay) != msum {
		return s.corrupt("the manifest fails its SHA-256 checksum: the file is damaged")
	}
	if err := decompressJSON(mpay, &s.Manifest); err != nil {
		return s.corrupt("the manifest cannot be read: %v", err)
	}
	m := &s.Manifest
	hpay, err := s.readRecord(recHeader, m.HeaderOffset, m.HeaderLength, "the header")
	if err != nil {
		return err
	}
	if sum(hpay) != m.HeaderSHA256 {
		return s.corrupt("the header fails its SHA-256 checksum: the file is damaged")
	}
	if err := decompressJSON(hpay, &s.Header); err != nil {
		return s.corrupt("the header cannot be read: %v", err)
	}
	if s.Header.Schema == nil || s.Header.SchemaDump == nil {
		return s.corrupt("the header has no schema")
	}
	for _, t := range m.Tables {
		for i, c := range t.Chunks {
			what := fmt.Sprintf("table %s, chunk %d of %d", t.Table, i+1, len(t.Chunks))
			b, err := s.readRecord(recChunk, c.Offset, c.Length, what)
			if err != nil {
				return err
			}
			if sum(b) != c.SHA256 {
				return s.corrupt("%s fails its SHA-256 checksum: the file is damaged", what)
			}
		}
		if tableDigest(t.Chunks) != t.SHA256 {
			return s.corrupt("table %s: the chunk list does not match its checksum", t.Table)
		}
	}
	return nil
}

// Name is the file's path, or "standard input".
func (s *File) Name() string { return s.name }

// Engine is the engine the snapshot was made from.
func (s *File) Engine() string { return s.Header.Engine }

// Inspect returns the schema the snapshot's data was read with.
func (s *File) Inspect(context.Context) (*dbtwin.Schema, error) { return s.Header.Schema, nil }

// Identity names the snapshot (it is never a target).
func (s *File) Identity(context.Context) (string, error) {
	return "snapshot:" + s.Manifest.HeaderSHA256, nil
}

// QuoteIdent and QuoteTable quote as the snapshot's engine does for
// PostgreSQL and SQLite (double quotes).
func (s *File) QuoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// QuoteTable quotes a table's name, schema-qualified when it has a schema.
func (s *File) QuoteTable(t *dbtwin.Table) string {
	if t.Schema == "" {
		return s.QuoteIdent(t.Name)
	}
	return s.QuoteIdent(t.Schema) + "." + s.QuoteIdent(t.Name)
}

// Snapshot returns the snapshot's data as a dbtwin.Snapshot: tables can be
// read (in parallel, any columns), not queried.
func (s *File) Snapshot(context.Context, int) (dbtwin.Snapshot, error) {
	var total int64
	for _, t := range s.Manifest.Tables {
		total += t.RawBytes
	}
	return &dataView{r: s.f, name: s.name, schema: s.Header.Schema, violations: s.Header.SourceViolations, tables: s.Manifest.Table, totalRaw: total}, nil
}

// ExportSchema returns the schema dump stored in the snapshot.
func (s *File) ExportSchema(context.Context, dbtwin.Snapshot) (*dbtwin.SchemaDump, error) {
	return s.Header.SchemaDump, nil
}

// Close closes the file (and removes the temporary copy of a stream).
func (s *File) Close() error {
	err := s.f.Close()
	if s.spool != "" {
		err = errors.Join(err, os.Remove(s.spool))
	}
	return err
}
