// Command snapshot benchmarks `dbtwin snapshot create` and `dbtwin snapshot
// restore` on the shared incident-shaped database against pg_dump and
// pg_restore in the same run, compares the snapshot's size with pg_dump's,
// and checks that the restored twin equals a direct clone (per-table digests).
//
//	flock /tmp/dbtwin-bench.lock go run ./bench/snapshot -jobs 2
//	go run ./bench/snapshot -users 20000      # a small copy for a quick run
//
// Timings (jobs N everywhere):
//
//	create        dbtwin snapshot create, masked (the real use) and unmasked
//	              vs pg_dump -Fd -jN of the source (default compression)
//	restore       dbtwin snapshot restore (schema, COPY, indexes, FKs,
//	              verification) vs pg_restore -jN of a pg_dump -Fd -Z0 dump of
//	              the same twin
//	size          the snapshot vs pg_dump -Fc (default compression) of the twin
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbtwin/dbtwin/bench/internal/benchdb"
)

const config = `version: 1
mask:
  users:
    first_name: first_name
    last_name: last_name
    email: email
    national_id: {transformer: digits, keep_length: true}
    phone: phone
    birth_date: {transformer: date, age_band: 10}
    profile: {transformer: json, paths: {"$.phone": phone, "$.recovery_email": email}}
  guest_purchases:
    national_id: {transformer: digits, keep_length: true}
    email: email
relations:
  - from: guest_purchases(national_id)
    to: users(national_id)
keep: [users.bio, users.created_at, guest_purchases.purchased_at]
`

const secret = "bench-snapshot-secret-0123456789abcdef"

func main() {
	users := flag.Int("users", benchdb.IncidentUsers, "users in the incident database (the default is the shared 1 GB one)")
	jobs := flag.Int("jobs", 2, "parallel jobs for dbtwin, pg_dump and pg_restore")
	flag.Parse()
	if err := run(context.Background(), *users, *jobs); err != nil {
		fmt.Fprintln(os.Stderr, "bench/snapshot:", err)
		os.Exit(1)
	}
}

type timing struct {
	label string
	d     time.Duration
	rss   int64
}

func run(ctx context.Context, users, jobs int) error {
	admin := benchdb.AdminURL()
	src, err := benchdb.IncidentScaled(ctx, admin, users)
	if err != nil {
		return err
	}
	bin, dir, cleanup, err := benchdb.Workspace(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	cfg := filepath.Join(dir, "dbtwin.yaml")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		return err
	}
	j := strconv.Itoa(jobs)
	env := []string{"DBTWIN_SECRET=" + secret}
	var times []timing
	step := func(label string, name string, args ...string) (time.Duration, error) {
		var rss int64
		d, err := benchdb.Time(func() error {
			var err error
			rss, err = benchdb.Run(ctx, env, name, args...)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("%s: %w", label, err)
		}
		times = append(times, timing{label, d, rss})
		fmt.Printf("%-52s %8.2fs  peak RSS %4d MB\n", label, d.Seconds(), rss>>20)
		return d, nil
	}
	fmt.Printf("source: %s (%d users), %d jobs\n\n", src, users, jobs)

	snap, plain := filepath.Join(dir, "twin.dbtwin"), filepath.Join(dir, "plain.dbtwin")
	// --no-verify: the leak scan's cost and verdict are bench/clone's and
	// verify's subject; here the file and the data path are measured.
	tMasked, err := step("dbtwin snapshot create (masked, --no-verify)", bin, "snapshot", "create", "--source", src, "-c", cfg, "--strict=false", "--no-verify", "--jobs", j, "-o", snap)
	if err != nil {
		return err
	}
	tPlain, err := step("dbtwin snapshot create (unmasked)", bin, "snapshot", "create", "--source", src, "--strict=false", "--jobs", j, "-o", plain)
	if err != nil {
		return err
	}
	tDumpSrc, err := step("pg_dump -Fd -j"+j+" of the source", "pg_dump", "-Fd", "-j", j, "-f", filepath.Join(dir, "src.dir"), src)
	if err != nil {
		return err
	}

	names := map[string]string{}
	for _, n := range []string{"restore", "pgrestore", "clone"} {
		name := "dbtwin_bench_snapshot_" + n
		if names[n], err = benchdb.Recreate(ctx, admin, name); err != nil {
			return err
		}
		defer benchdb.Drop(ctx, admin, name)
	}
	tRestore, err := step("dbtwin snapshot restore --jobs "+j, bin, "snapshot", "restore", snap, "--target", names["restore"], "--jobs", j)
	if err != nil {
		return err
	}
	z0 := filepath.Join(dir, "twin.dir")
	if _, err := step("pg_dump -Fd -Z0 -j"+j+" of the restored twin", "pg_dump", "-Fd", "-Z0", "-j", j, "-f", z0, names["restore"]); err != nil {
		return err
	}
	tPgRestore, err := step("pg_restore -j"+j+" of that -Fd -Z0 dump", "pg_restore", "-j", j, "--no-owner", "-d", names["pgrestore"], z0)
	if err != nil {
		return err
	}
	fc := filepath.Join(dir, "twin.fc")
	if _, err := step("pg_dump -Fc of the restored twin", "pg_dump", "-Fc", "-f", fc, names["restore"]); err != nil {
		return err
	}
	tClone, err := step("dbtwin clone (same config and secret)", bin, "clone", "--source", src, "--target", names["clone"], "-c", cfg, "--strict=false", "--no-verify", "--jobs", j)
	if err != nil {
		return err
	}

	// The restored twin must equal the direct clone.
	a, err := digests(ctx, names["restore"])
	if err != nil {
		return err
	}
	b, err := digests(ctx, names["clone"])
	if err != nil {
		return err
	}
	same := len(a) == len(b)
	for t, d := range a {
		if b[t] != d {
			same = false
			fmt.Printf("DIGEST MISMATCH %s: restore %s, clone %s\n", t, d, b[t])
		}
	}
	var tables []string
	for t := range a {
		tables = append(tables, t)
	}
	sort.Strings(tables)

	sSnap, sPlain, sFc, sZ0, sSrcDir := size(snap), size(plain), size(fc), size(z0), size(filepath.Join(dir, "src.dir"))
	fmt.Printf("\nrestored twin equals the direct clone (per-table digests of %d tables): %v\n", len(tables), same)
	fmt.Printf("\ncreate:  masked snapshot %.2fs = %.2fx pg_dump -Fd -j%s of the source (%.2fs); unmasked snapshot %.2fs = %.2fx\n",
		tMasked.Seconds(), ratio(tMasked, tDumpSrc), j, tDumpSrc.Seconds(), tPlain.Seconds(), ratio(tPlain, tDumpSrc))
	fmt.Printf("restore: snapshot restore %.2fs = %.2fx pg_restore -j%s of a -Fd -Z0 dump (%.2fs)  (goal <= 1.0)\n",
		tRestore.Seconds(), ratio(tRestore, tPgRestore), j, tPgRestore.Seconds())
	fmt.Printf("size:    snapshot %s = %.2fx pg_dump -Fc of the twin (%s)  (goal <= 1.0); -Fd -Z0 %s; unmasked snapshot %s vs source -Fd dump %s\n",
		mb(sSnap), float64(sSnap)/float64(sFc), mb(sFc), mb(sZ0), mb(sPlain), mb(sSrcDir))
	fmt.Printf("clone:   direct masked clone %.2fs (create + restore %.2fs)\n", tClone.Seconds(), (tMasked + tRestore).Seconds())
	if !same {
		return fmt.Errorf("the restored twin differs from the direct clone")
	}
	return nil
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// size is a file's size, or a directory's total.
func size(path string) int64 {
	var n int64
	_ = filepath.Walk(path, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// digests returns count:md5 per table, from the sorted md5 of every row
// (bounded memory for millions of rows).
func digests(ctx context.Context, dbURL string) (map[string]string, error) {
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, `SELECT quote_ident(n.nspname)||'.'||quote_ident(c.relname) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, t := range tables {
		var d string
		q := `SELECT count(*) || ':' || md5(coalesce(string_agg(h, '' ORDER BY h), '')) FROM (SELECT md5(r::text) AS h FROM ` + t + ` r) s`
		if err := c.QueryRow(ctx, q).Scan(&d); err != nil {
			return nil, fmt.Errorf("digest %s: %w", t, err)
		}
		out[t] = d
	}
	return out, nil
}
