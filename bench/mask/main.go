// Command mask benchmarks masking: the same 1M-row table cloned unmasked and
// with five masked columns (email, first name, last name, phone, birth date),
// in one run, printing the overhead.
//
//	go run ./bench/mask -rows 1000000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dbtwin/dbtwin/bench/internal/benchdb"
)

const config = `version: 1
mask:
  people:
    email: email
    first_name: first_name
    last_name: last_name
    phone: phone
    birth_date: date
keep: [people.country, people.created_at, people.notes]
`

func main() {
	rows := flag.Int("rows", 1000000, "rows in the table")
	jobs := flag.Int("jobs", 2, "parallel jobs")
	flag.Parse()
	if err := run(context.Background(), *rows, *jobs); err != nil {
		fmt.Fprintln(os.Stderr, "bench/mask:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, rows, jobs int) error {
	admin := benchdb.AdminURL()
	src, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_mask_src")
	if err != nil {
		return err
	}
	defer benchdb.Drop(ctx, admin, "dbtwin_bench_mask_src")
	fmt.Printf("building people (%d rows)…\n", rows)
	if err := benchdb.Exec(ctx, src, fmt.Sprintf(`
		CREATE TABLE people (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, first_name text NOT NULL,
		  last_name text NOT NULL, phone text, birth_date date, country char(2), created_at timestamptz, notes text);
		INSERT INTO people SELECT g, 'person'||g||'@mail'||(g%%50)||'.example.com',
		  (ARRAY['Anna','Bram','Chloé','Daan','Emma','Finn','Greta','Hugo'])[1+g%%8],
		  (ARRAY['de Vries','Jansen','Müller','Dubois','García','Rossi','Nowak','Berg'])[1+(g/8)%%8],
		  '+31 6 '||lpad((g%%100000000)::text, 8, '0'), date '1950-01-01' + (g%%20000),
		  (ARRAY['NL','DE','FR','ES'])[1+g%%4], timestamptz '2020-01-01' + g*interval '13 seconds',
		  CASE WHEN g%%3=0 THEN 'customer since '||(2000+g%%24) END
		FROM generate_series(1,%d) g; ANALYZE;`, rows)); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	bin, tmp, cleanup, err := benchdb.Workspace(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	cfg := filepath.Join(tmp, "dbtwin.yaml")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		return err
	}
	clone := func(name string, args ...string) (time.Duration, error) {
		dst, err := benchdb.Recreate(ctx, admin, name)
		if err != nil {
			return 0, err
		}
		defer benchdb.Drop(ctx, admin, name)
		return benchdb.Time(func() error {
			_, err := benchdb.Run(ctx, []string{"DBTWIN_SECRET=bench-secret-0123456789abcdef"}, bin,
				append([]string{"clone", "--source", src, "--target", dst, "--jobs", fmt.Sprint(jobs), "--no-verify"}, args...)...)
			return err
		})
	}
	// Alternate to even out the machine's noise; keep the best of two.
	var plain, masked time.Duration
	for i := 0; i < 2; i++ {
		p, err := clone("dbtwin_bench_mask_plain", "--strict=false")
		if err != nil {
			return err
		}
		m, err := clone("dbtwin_bench_mask_masked", "-c", cfg)
		if err != nil {
			return err
		}
		if plain == 0 || p < plain {
			plain = p
		}
		if masked == 0 || m < masked {
			masked = m
		}
	}
	benchdb.Report(os.Stdout, "unmasked clone", plain, int64(rows), 0)
	benchdb.Report(os.Stdout, "clone masking 5 columns", masked, int64(rows), 0)
	fmt.Printf("\nmasking overhead: %+.0f%% (goal <= +30%%)\n", (float64(masked)/float64(plain)-1)*100)
	return nil
}
