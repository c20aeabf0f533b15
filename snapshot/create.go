package snapshot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/check"
	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/config"
)

// CreateOptions configure Create.
type CreateOptions struct {
	// Clone configures the clone that makes the snapshot: Source, Config,
	// Secret or Random, Strict, Jobs, Progress, Log. Target and TargetDB
	// are set by Create.
	Clone clone.Options
	// Output is the snapshot's path; "-" writes it to Stdout.
	Output string
	Stdout io.Writer
	// Checks, when set, is a checks file whose fidelity checks (overlap,
	// fanout, profile) get production's side measured and recorded in the
	// snapshot, for `dbtwin check --baseline SNAPSHOT` without production.
	Checks *check.File
	// TempDir holds the snapshot while it is made when Output is "-"
	// (default os.TempDir()); for a path, the temporary file sits next to it.
	TempDir string
}

// CreateResult describes a finished snapshot.
type CreateResult struct {
	// Clone is the result of the clone that made it (tables, timings, the
	// leak scan's report).
	Clone *clone.Result
	// Path is where the snapshot is ("-" for standard output); Size its bytes.
	Path     string
	Size     int64
	Manifest *Manifest
}

// Create makes a snapshot: the same pipeline as a clone (one consistent
// read, subset, masking, the leak scan) with a file as the target. The file
// appears at Output only when everything passed; a failed or leaking
// snapshot leaves nothing behind. With Output "-" the snapshot is built in a
// temporary file and copied to Stdout at the end, so a snapshot that fails
// its leak scan never leaves the machine.
func Create(ctx context.Context, opt CreateOptions) (*CreateResult, error) {
	start := time.Now()
	if opt.Output == "" {
		return nil, fmt.Errorf("%w: snapshot create: give the output file (-o FILE, or -o - for standard output)", dbtwin.ErrUsage)
	}
	su, err := dbtwin.ParseURL(opt.Clone.Source)
	if err != nil {
		return nil, fmt.Errorf("--source: %w", err)
	}
	name, tmp := opt.Output, opt.Output+".dbtwin-partial"
	if opt.Output == "-" {
		name = "standard output"
		f, err := os.CreateTemp(opt.TempDir, "dbtwin-snapshot-*.partial")
		if err != nil {
			return nil, fmt.Errorf("snapshot create: temporary file (set TMPDIR to a directory with room): %w", err)
		}
		tmp = f.Name()
		f.Close()
	} else if st, err := os.Stat(opt.Output); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%w: snapshot create: %s is a directory: give a file name", dbtwin.ErrUsage, opt.Output)
	}
	w, err := newWriter(su.Engine, name, tmp)
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			w.abort()
		}
	}()
	w.header.Source = dbtwin.RedactURL(opt.Clone.Source)
	copt := opt.Clone
	copt.Target, copt.TargetDB = name, w
	res, err := clone.Run(ctx, copt)
	if err != nil {
		return &CreateResult{Clone: res}, err
	}
	digest, err := configDigest(opt.Clone.Config)
	if err != nil {
		return &CreateResult{Clone: res}, err
	}
	var baseline []byte
	if opt.Checks != nil {
		if baseline, err = measureBaseline(ctx, opt.Clone.Source, opt.Checks); err != nil {
			return &CreateResult{Clone: res}, err
		}
	}
	err = w.finish(func(m *Manifest) {
		m.ConfigDigest, m.Subset, m.Baseline = digest, res.Subset, baseline
		for _, t := range res.Tables {
			if e := m.Table(t.Table); e != nil {
				e.SourceRows = t.SourceRows
			}
			for _, c := range t.MaskedCols {
				m.Masked = append(m.Masked, t.Table+"."+c)
			}
		}
		sort.Strings(m.Masked)
		m.LeakScanSkipped = opt.Clone.NoLeakScan && len(m.Masked) > 0
		if r := res.LeakReport; r != nil {
			ls := &LeakSummary{OK: r.OK(), Leaks: r.Leaks(), Digests: r.Digests, Tables: r.Tables,
				RowsScanned: r.RowsScanned, CellsScanned: r.CellsScanned}
			for _, e := range r.Exemptions {
				if ls.Exemptions == nil {
					ls.Exemptions = map[string]int64{}
				}
				ls.Exemptions[e.Rule] += e.Values
			}
			m.LeakScan = ls
		}
		m.Duration = time.Since(start)
	})
	if err != nil {
		return &CreateResult{Clone: res}, err
	}
	out := &CreateResult{Clone: res, Path: opt.Output, Manifest: &w.manifest}
	if opt.Output == "-" {
		n, err := copyOut(tmp, opt.Stdout)
		if err != nil {
			return out, err
		}
		out.Size = n
		_ = os.Remove(tmp)
		done = true
		return out, nil
	}
	if err := os.Rename(tmp, opt.Output); err != nil {
		return out, fmt.Errorf("snapshot create: move %s to %s: %w", tmp, opt.Output, err)
	}
	done = true
	if d, err := os.Open(filepath.Dir(opt.Output)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	if st, err := os.Stat(opt.Output); err == nil {
		out.Size = st.Size()
	}
	return out, nil
}

func copyOut(path string, w io.Writer) (int64, error) {
	if w == nil {
		w = os.Stdout
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := io.Copy(w, f)
	if err != nil {
		return n, fmt.Errorf("snapshot create: write to standard output: %w", err)
	}
	return n, nil
}

// measureBaseline measures production's side of the fidelity checks.
func measureBaseline(ctx context.Context, source string, checks *check.File) ([]byte, error) {
	db, dialect, err := check.Open(ctx, source)
	if err != nil {
		return nil, fmt.Errorf("snapshot create: open %s to measure the fidelity baseline: %w", dbtwin.RedactURL(source), err)
	}
	defer db.Close()
	rec, err := check.MeasureBaseline(ctx, db, dialect, checks, 0)
	if err != nil {
		return nil, fmt.Errorf("snapshot create: %w", err)
	}
	return json.Marshal(rec)
}

// Baseline returns production's side of the fidelity checks recorded in
// the snapshot (see CreateOptions.Checks), for check.Options.Recorded.
func (s *File) Baseline() (check.Recorded, error) {
	if len(s.Manifest.Baseline) == 0 {
		return nil, fmt.Errorf("%w: snapshot %s records no fidelity baseline: make it with `dbtwin snapshot create --checks CHECKS.yaml` "+
			"(the file holding your overlap, fanout and profile checks)", dbtwin.ErrUsage, s.name)
	}
	var rec check.Recorded
	if err := json.Unmarshal(s.Manifest.Baseline, &rec); err != nil {
		return nil, fmt.Errorf("%w: %s: the recorded baseline cannot be read: %v", ErrCorrupt, s.name, err)
	}
	return rec, nil
}

// IsSnapshot reports whether the file at path starts like a snapshot (for
// commands that take either a database URL or a snapshot).
func IsSnapshot(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, len(Magic))
	_, err = io.ReadFull(f, b)
	return err == nil && string(b) == Magic
}

// configDigest is the SHA-256 of the parsed configuration (its JSON form),
// so two snapshots made with the same rules have the same digest.
func configDigest(cfg *config.Config) (string, error) {
	if cfg == nil {
		return "", nil
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", fmt.Errorf("snapshot create: digest the configuration: %w", err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), nil
}
