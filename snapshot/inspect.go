package snapshot

import (
	"time"
)

// Info is what a snapshot holds, as `dbtwin snapshot inspect` shows it
// (its JSON form is versioned: "version": 1).
type Info struct {
	Version       int       `json:"version"`
	Format        int       `json:"format"`
	Path          string    `json:"path"`
	Size          int64     `json:"size"`
	Engine        string    `json:"engine"`
	ServerVersion string    `json:"server_version"`
	Source        string    `json:"source"`
	SourceID      string    `json:"source_identity,omitempty"`
	Created       time.Time `json:"created"`
	Finished      time.Time `json:"finished"`
	DurationMS    int64     `json:"duration_ms"`
	ConfigDigest  string    `json:"config_digest,omitempty"`
	Subset        bool      `json:"subset"`
	Masked        []string  `json:"masked_columns"`
	// LeakScan is nil when nothing was masked (no scan ran).
	LeakScan *LeakSummary `json:"leak_scan"`
	// LeakScanSkipped is true when the snapshot was made with --no-verify.
	LeakScanSkipped bool        `json:"leak_scan_skipped"`
	Tables          []TableInfo `json:"tables"`
	// Rows, RawBytes and Bytes are the totals over the tables.
	Rows     int64 `json:"rows"`
	RawBytes int64 `json:"raw_bytes"`
	Bytes    int64 `json:"bytes"`
	// HeaderSHA256 is the checksum of the header; each table has its own.
	HeaderSHA256 string `json:"header_sha256"`
	// Baseline is true when production's fidelity aggregates are recorded.
	Baseline bool `json:"baseline"`
}

// TableInfo is one table of Info.
type TableInfo struct {
	Table      string `json:"table"`
	Rows       int64  `json:"rows"`
	SourceRows int64  `json:"source_rows"`
	RawBytes   int64  `json:"raw_bytes"`
	Bytes      int64  `json:"bytes"`
	Chunks     int    `json:"chunks"`
	Codec      string `json:"codec"`
	SHA256     string `json:"sha256"`
}

// Info describes a checked snapshot without restoring it.
func (s *File) Info() *Info {
	h, m := &s.Header, &s.Manifest
	in := &Info{Version: 1, Format: FormatVersion, Path: s.name, Size: s.Size, Engine: h.Engine, ServerVersion: h.ServerVersion,
		Source: h.Source, SourceID: h.SourceIdentity, Created: h.Created, Finished: m.Finished, DurationMS: m.Duration.Milliseconds(),
		ConfigDigest: m.ConfigDigest, Subset: m.Subset, Masked: m.Masked, LeakScan: m.LeakScan, LeakScanSkipped: m.LeakScanSkipped,
		HeaderSHA256: m.HeaderSHA256, Baseline: len(m.Baseline) > 0}
	if in.Masked == nil {
		in.Masked = []string{}
	}
	for _, t := range m.Tables {
		in.Tables = append(in.Tables, TableInfo{Table: t.Table, Rows: t.Rows, SourceRows: t.SourceRows, RawBytes: t.RawBytes,
			Bytes: t.Bytes, Chunks: len(t.Chunks), Codec: t.Codec, SHA256: t.SHA256})
		in.Rows += t.Rows
		in.RawBytes += t.RawBytes
		in.Bytes += t.Bytes
	}
	return in
}

// Inspect opens and checks the snapshot at path ("-" for standard input)
// and describes it.
func Inspect(path string) (*Info, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Info(), nil
}
