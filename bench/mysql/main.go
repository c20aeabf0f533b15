// Command mysql benchmarks `dbtwin clone` of a MySQL/MariaDB database,
// unmasked and masked, against `mysqldump --single-transaction | mysql` and
// (when installed) mydumper | myloader, in one run, and reports dbtwin's
// peak memory.
//
//	go run ./bench/mysql -size-mb 600 -jobs 2
//
// The server is DBTWIN_BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/mysql).
// The source database (dbtwin_bench_mysql_src) is kept between runs and
// rebuilt only when missing or of another size (-rebuild forces it).
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/dbtwin/dbtwin/bench/internal/benchdb"
)

var srcName = "dbtwin_bench_mysql_src"

func main() {
	sizeMB := flag.Int("size-mb", 600, "approximate size of the generated database")
	jobs := flag.Int("jobs", 2, "parallel jobs for dbtwin and mydumper/myloader")
	rebuild := flag.Bool("rebuild", false, "rebuild the source database even if one of the right size exists")
	flag.Parse()
	if err := run(context.Background(), *sizeMB, *jobs, *rebuild); err != nil {
		fmt.Fprintln(os.Stderr, "bench/mysql:", err)
		os.Exit(1)
	}
}

type server struct {
	admin *url.URL
	db    *sql.DB
}

func adminURL() string {
	if u := os.Getenv("DBTWIN_BENCH_MYSQL_URL"); u != "" {
		return u
	}
	return "mysql://root@127.0.0.1:3306/mysql"
}

func connect(raw string) (*server, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	cfg := gomysql.NewConfig()
	cfg.Net, cfg.Addr = "tcp", u.Host
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	cfg.MultiStatements = true
	c, err := gomysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return &server{admin: u, db: sql.OpenDB(c)}, nil
}

func (s *server) url(db string) string {
	u := *s.admin
	u.Path = "/" + db
	return u.String()
}

func (s *server) recreate(name string) (string, error) {
	if _, err := s.db.Exec("DROP DATABASE IF EXISTS " + name + "; CREATE DATABASE " + name + " CHARACTER SET utf8mb4"); err != nil {
		return "", err
	}
	return s.url(name), nil
}

func (s *server) drop(name string) { _, _ = s.db.Exec("DROP DATABASE IF EXISTS " + name) }

// clientArgs are the connection options of the mysql command-line tools.
func (s *server) clientArgs() ([]string, []string) {
	args := []string{"--protocol=tcp", "-h", s.admin.Hostname()}
	if p := s.admin.Port(); p != "" {
		args = append(args, "-P", p)
	}
	var env []string
	if s.admin.User != nil {
		args = append(args, "-u", s.admin.User.Username())
		if p, ok := s.admin.User.Password(); ok {
			env = append(env, "MYSQL_PWD="+p)
		}
	}
	return args, env
}

func run(ctx context.Context, sizeMB, jobs int, rebuild bool) error {
	s, err := connect(adminURL())
	if err != nil {
		return err
	}
	defer s.db.Close()
	customers := int64(sizeMB) * 1000 * 1000 / 600 // ≈ 600 bytes of rows per customer (1 customer, 2 orders, 2 events)
	rows, size, err := s.ensureSource(customers, rebuild)
	if err != nil {
		return err
	}
	srcURL := s.url(srcName)
	fmt.Printf("source: %d rows, %.0f MB on disk (data + indexes), %d jobs\n\n", rows, float64(size)/1e6, jobs)
	bin, tmp, cleanup, err := benchdb.Workspace(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	args, env := s.clientArgs()

	// mysqldump --single-transaction | mysql
	dumpDB := "dbtwin_bench_mysql_dump"
	if _, err := s.recreate(dumpDB); err != nil {
		return err
	}
	defer s.drop(dumpDB)
	dump := "mysqldump"
	if p, err := exec.LookPath("mariadb-dump"); err == nil {
		dump = p
	}
	client := "mysql"
	if p, err := exec.LookPath("mariadb"); err == nil {
		client = p
	}
	shell := fmt.Sprintf("%s %s --single-transaction --routines --triggers --events %s | %s %s %s",
		dump, strings.Join(args, " "), srcName, client, strings.Join(args, " "), dumpDB)
	dDump, err := benchdb.Time(func() error {
		_, err := benchdb.Run(ctx, env, "bash", "-o", "pipefail", "-c", shell)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("mysqldump | mysql: %.1fs\n", dDump.Seconds())

	// mydumper | myloader, when installed.
	var dMy time.Duration
	if _, err := exec.LookPath("mydumper"); err == nil {
		myDB := "dbtwin_bench_mysql_myloader"
		if _, err := s.recreate(myDB); err != nil {
			return err
		}
		defer s.drop(myDB)
		out := filepath.Join(tmp, "mydumper")
		host, port := s.admin.Hostname(), s.admin.Port()
		if port == "" {
			port = "3306"
		}
		user := "root"
		if s.admin.User != nil {
			user = s.admin.User.Username()
		}
		dMy, err = benchdb.Time(func() error {
			if _, err := benchdb.Run(ctx, env, "mydumper", "-h", host, "-P", port, "-u", user, "-B", srcName,
				"-t", fmt.Sprint(jobs), "-o", out, "--routines", "--triggers", "--events"); err != nil {
				return err
			}
			_, err := benchdb.Run(ctx, env, "myloader", "-h", host, "-P", port, "-u", user, "-B", myDB, "-d", out,
				"-t", fmt.Sprint(jobs), "-o")
			return err
		})
		if err != nil {
			return err
		}
		fmt.Printf("mydumper | myloader: %.1fs\n", dMy.Seconds())
	}

	// dbtwin, unmasked and masked.
	leakNote := ""
	clone := func(target string, extra ...string) (time.Duration, int64, map[string]int64, error) {
		dstURL, err := s.recreate(target)
		if err != nil {
			return 0, 0, nil, err
		}
		var peak int64
		var summary struct {
			PhasesMS map[string]int64 `json:"phases_ms"`
		}
		d, err := benchdb.Time(func() error {
			cmd := exec.CommandContext(ctx, bin, append([]string{"clone", "--source", srcURL, "--target", dstURL,
				"--jobs", fmt.Sprint(jobs), "--json"}, extra...)...)
			cmd.Env = append(os.Environ(), "DBTWIN_SECRET=bench-secret-0123456789abcdef")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if cmd.ProcessState != nil {
				peak = benchdb.MaxRSS(cmd.ProcessState)
			}
			if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 && strings.Contains(stderr.String(), "leak found") {
				// The clone ran in full; its leak scan flagged cells (see
				// the note printed with the results).
				leakNote = lastLine(stderr.String())
				err = nil
			}
			if err != nil {
				return fmt.Errorf("dbtwin clone %v: %w\n%s", extra, err, stderr.String())
			}
			return json.Unmarshal(out, &summary)
		})
		return d, peak, summary.PhasesMS, err
	}
	dPlain, peakPlain, phasesPlain, err := clone("dbtwin_bench_mysql_twin", "--strict=false")
	s.drop("dbtwin_bench_mysql_twin")
	if err != nil {
		return err
	}
	fmt.Printf("dbtwin unmasked: %.1fs\n\n", dPlain.Seconds())
	cfg := filepath.Join(tmp, "dbtwin.yaml")
	if err := os.WriteFile(cfg, []byte(maskConfig), 0o644); err != nil {
		return err
	}
	dMasked, peakMasked, phasesMasked, err := clone("dbtwin_bench_mysql_masked", "-c", cfg)
	s.drop("dbtwin_bench_mysql_masked")
	if err != nil {
		return err
	}

	fmt.Printf("%-40s %9s  %16s\n", "", "time", "throughput")
	benchdb.Report(os.Stdout, "dbtwin clone (unmasked)", dPlain, rows, 0)
	benchdb.Report(os.Stdout, "dbtwin clone (masked + leak scan)", dMasked, rows, dPlain)
	benchdb.Report(os.Stdout, "mysqldump --single-transaction | mysql", dDump, rows, dPlain)
	if dMy > 0 {
		benchdb.Report(os.Stdout, fmt.Sprintf("mydumper -t %d | myloader -t %d", jobs, jobs), dMy, rows, dPlain)
	}
	fmt.Printf("\nratio mysqldump|mysql / dbtwin unmasked: %.2f (goal >= 1.0)\n", float64(dDump)/float64(dPlain))
	fmt.Printf("ratio mysqldump|mysql / dbtwin masked:   %.2f\n", float64(dDump)/float64(dMasked))
	if dMy > 0 {
		fmt.Printf("ratio mydumper|myloader / dbtwin unmasked: %.2f\n", float64(dMy)/float64(dPlain))
	}
	fmt.Printf("dbtwin phases unmasked (ms): %v\n", phasesPlain)
	fmt.Printf("dbtwin phases masked (ms):   %v\n", phasesMasked)
	fmt.Printf("dbtwin peak memory (max RSS): unmasked %.1f MB, masked %.1f MB (goal < 200 MB)\n",
		float64(peakPlain)/1e6, float64(peakMasked)/1e6)
	if leakNote != "" {
		fmt.Printf("note: the masked clone's leak scan flagged cells: %s\n", leakNote)
	}
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

const maskConfig = `version: 1
mask:
  customers:
    email: email
    full_name: full_name
    phone: phone
    national_id: digits
keep: [customers.country, events.payload]
`

// ensureSource builds the source database unless one of the right size is
// there. MariaDB's SEQUENCE engine (seq_1_to_N) generates the rows on the
// server; MySQL needs a MariaDB server for this benchmark.
func (s *server) ensureSource(customers int64, rebuild bool) (rows, size int64, err error) {
	var have sql.NullInt64
	_ = s.db.QueryRow("SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'customers'", srcName).Scan(&have)
	var n int64
	if !rebuild && have.Valid {
		_ = s.db.QueryRow("SELECT COUNT(*) FROM " + srcName + ".customers").Scan(&n)
	}
	if n != customers {
		fmt.Printf("building the source database (%d customers)…\n", customers)
		start := time.Now()
		if _, err := s.recreate(srcName); err != nil {
			return 0, 0, err
		}
		script := strings.NewReplacer("{C}", fmt.Sprint(customers), "{O}", fmt.Sprint(2*customers),
			"{E}", fmt.Sprint(2*customers)).Replace(buildScript)
		if _, err := s.db.Exec("USE " + srcName + ";\n" + script); err != nil {
			return 0, 0, fmt.Errorf("build the source: %w", err)
		}
		fmt.Printf("built in %s\n", time.Since(start).Round(time.Second))
	}
	err = s.db.QueryRow(`SELECT (SELECT COUNT(*) FROM `+srcName+`.customers) + (SELECT COUNT(*) FROM `+srcName+`.orders) + (SELECT COUNT(*) FROM `+srcName+`.events),
		(SELECT SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?)`, srcName).Scan(&rows, &size)
	return rows, size, err
}

const buildScript = `
CREATE TABLE customers (
  id INT UNSIGNED NOT NULL PRIMARY KEY,
  email VARCHAR(120) COLLATE utf8mb4_general_ci NOT NULL,
  full_name VARCHAR(100) NOT NULL,
  phone VARCHAR(20) NULL,
  national_id CHAR(11) NOT NULL,
  country CHAR(2) NOT NULL,
  created_at DATETIME NOT NULL,
  UNIQUE KEY customers_email (email),
  KEY customers_national_id (national_id)
) ENGINE=InnoDB;
CREATE TABLE orders (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL,
  status ENUM('new','paid','shipped','refunded') NOT NULL,
  total DECIMAL(12,2) NOT NULL,
  note VARCHAR(200) NULL,
  created_at DATETIME(3) NOT NULL,
  KEY orders_customer (customer_id),
  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;
CREATE TABLE events (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL,
  kind VARCHAR(20) NOT NULL,
  payload JSON NOT NULL,
  at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY events_customer (customer_id),
  CONSTRAINT events_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;
SET foreign_key_checks = 0, unique_checks = 0;
INSERT INTO customers SELECT seq, CONCAT(IF(seq % 7 = 0, 'User', 'user'), seq, '@example.com'),
  CONCAT(ELT(1 + seq % 8, 'Ana', 'Bruno', 'Carla', 'Diego', 'Elena', 'Fabio', 'Gisele', 'Hugo'), ' ',
         ELT(1 + (seq DIV 8) % 8, 'Silva', 'Souza', 'Costa', 'Santos', 'Oliveira', 'Pereira', 'Lima', 'Gomes')),
  IF(seq % 10 = 0, NULL, CONCAT('+55 11 9', LPAD(CONV(SUBSTR(MD5(seq), 1, 7), 16, 10) % 100000000, 8, '0'))),
  LPAD(10000000000 + seq * 7919 % 89999999999, 11, '0'),
  ELT(1 + seq % 3, 'BR', 'PT', 'US'),
  '2020-01-01' + INTERVAL (seq % 1500) DAY + INTERVAL (seq % 86400) SECOND
  FROM seq_1_to_{C};
INSERT INTO orders SELECT seq, 1 + (seq * 31) % {C}, ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'refunded'),
  (seq % 100000) / 100, IF(seq % 3 = 0, NULL, CONCAT('gift wrap ', REPEAT('x', seq % 60))),
  '2021-01-01' + INTERVAL (seq % 1000) DAY + INTERVAL (seq % 86400000) / 1000 SECOND
  FROM seq_1_to_{O};
INSERT INTO events SELECT seq, 1 + (seq * 17) % {C}, ELT(1 + seq % 3, 'login', 'view', 'cart'),
  JSON_OBJECT('session', MD5(seq), 'agent', 'Mozilla/5.0 (X11; Linux x86_64)',
              'path', CONCAT('/product/', seq % 5000), 'n', seq),
  '2022-01-01' + INTERVAL (seq % 30000000) SECOND
  FROM seq_1_to_{E};
SET foreign_key_checks = 1, unique_checks = 1;
`
