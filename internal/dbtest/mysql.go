package dbtest

import (
	"bytes"
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
)

// DefaultLocalMySQL is tried when DBTWIN_TEST_MYSQL_URL is not set.
const DefaultLocalMySQL = "mysql://root@127.0.0.1:3306/mysql"

var (
	myOnce  sync.Once
	myAdmin string
	myErr   error
)

// MySQLAdminURL returns a mysql:// URL with rights to create databases: the
// one in DBTWIN_TEST_MYSQL_URL, else the local server on 127.0.0.1:3306.
func MySQLAdminURL(t testing.TB) string {
	t.Helper()
	myOnce.Do(func() {
		myAdmin = os.Getenv("DBTWIN_TEST_MYSQL_URL")
		if myAdmin == "" {
			myAdmin = DefaultLocalMySQL
		}
		db, err := MySQLOpen(myAdmin)
		if err != nil {
			myErr = err
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		myErr = db.PingContext(ctx)
	})
	if myErr != nil {
		Unavailable(t, "no MySQL/MariaDB server at %s (set DBTWIN_TEST_MYSQL_URL; scripts/test starts one): %v", redactMy(myAdmin), myErr)
	}
	return myAdmin
}

func redactMy(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.User == nil {
		return u
	}
	if _, ok := p.User.Password(); ok {
		p.User = url.UserPassword(p.User.Username(), "xxxxx")
	}
	return p.String()
}

// MySQLOpen opens a database/sql handle on a mysql:// URL (text protocol,
// multi statements allowed, LOAD DATA LOCAL from any file for fixtures).
func MySQLOpen(raw string) (*sql.DB, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	cfg := gomysql.NewConfig()
	cfg.Net, cfg.Addr = "tcp", u.Host
	if u.Port() == "" {
		cfg.Addr = u.Hostname() + ":3306"
	}
	if s := u.Query().Get("socket"); s != "" {
		cfg.Net, cfg.Addr = "unix", s
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	cfg.MultiStatements = true
	cfg.InterpolateParams = true
	cfg.Params = map[string]string{"time_zone": "'+00:00'"}
	c, err := gomysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// MySQL creates a fresh, empty database (utf8mb4) for the test and returns
// its mysql:// URL. The database is dropped when the test ends.
func MySQL(t testing.TB) string {
	t.Helper()
	admin := MySQLAdminURL(t)
	name := RandomName("dbtwin_test")
	db, err := MySQLOpen(admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"); err != nil {
		t.Fatalf("create test database %s: %v", name, err)
	}
	t.Cleanup(func() {
		db, err := MySQLOpen(admin)
		if err != nil {
			t.Logf("drop test database %s: %v", name, err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(admin, name)
}

// MySQLExec runs SQL (several statements allowed) against a mysql:// URL,
// failing the test on error.
func MySQLExec(t testing.TB, dbURL, query string) {
	t.Helper()
	db, err := MySQLOpen(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("exec %q: %v", abbreviate(query), err)
	}
}

// MySQLQueryString runs a query returning one value and returns it as text
// ("" for NULL).
func MySQLQueryString(t testing.TB, dbURL, query string) string {
	t.Helper()
	db, err := MySQLOpen(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s sql.NullString
	if err := db.QueryRow(query).Scan(&s); err != nil {
		t.Fatalf("%s: %v", abbreviate(query), err)
	}
	return s.String
}

// MySQLFixture names a MySQL fixture: the SQL files to run, in order, from
// Dir (relative to the fixtures folder), and the database name the scripts
// create and use (their CREATE/DROP/USE lines are dropped and qualified
// names unqualified, so they load into the test's database).
type MySQLFixture struct {
	Name     string
	Dir      string
	Files    []string
	Database string
}

// MySQLFixtures lists every MySQL fixture in ../shared/fixtures.
var MySQLFixtures = []MySQLFixture{
	{Name: "sakila", Dir: "sakila-mysql", Files: []string{"sakila-mv-schema.sql", "sakila-mv-data.sql"}, Database: "sakila"},
	{Name: "chinook", Dir: "chinook", Files: []string{"Chinook_MySql.sql"}, Database: "Chinook"},
	{Name: "northwind", Dir: "northwind/mysql", Files: []string{"northwind.sql", "northwind-data.sql"}, Database: "northwind"},
}

var myOwnDatabase = regexp.MustCompile(`(?i)^\s*(DROP\s+(SCHEMA|DATABASE)|CREATE\s+(SCHEMA|DATABASE)|USE\s)`)

// LoadMySQLFixture creates a fresh database, loads the named fixture into it
// with the mysql/mariadb client and returns the database's URL.
func LoadMySQLFixture(t testing.TB, name string) string {
	t.Helper()
	var fx *MySQLFixture
	for i := range MySQLFixtures {
		if MySQLFixtures[i].Name == name {
			fx = &MySQLFixtures[i]
		}
	}
	if fx == nil {
		t.Fatalf("unknown MySQL fixture %q", name)
	}
	dir := filepath.Join(Fixtures(t), fx.Dir)
	u := MySQL(t)
	qualified := regexp.MustCompile("(?i)(`" + regexp.QuoteMeta(fx.Database) + "`|\\b" + regexp.QuoteMeta(fx.Database) + ")\\.")
	for _, f := range fx.Files {
		script, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("read fixture: %v", err)
		}
		lines := bytes.SplitAfter(script, []byte("\n"))
		out := make([]byte, 0, len(script))
		for _, l := range lines {
			if myOwnDatabase.Match(l) {
				continue
			}
			out = append(out, qualified.ReplaceAll(l, nil)...)
		}
		MySQLLoadScript(t, u, out)
	}
	return u
}

// MySQLLoadScript runs a SQL script against a database with the mysql (or
// mariadb) command-line client, which understands DELIMITER.
func MySQLLoadScript(t testing.TB, dbURL string, script []byte) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := exec.LookPath("mariadb")
	if err != nil {
		if bin, err = exec.LookPath("mysql"); err != nil {
			Unavailable(t, "no mysql/mariadb client to load fixtures (apt-get install mariadb-client)")
		}
	}
	args := []string{"--protocol=tcp", "-h", u.Hostname(), "--default-character-set=utf8mb4"}
	if p := u.Port(); p != "" {
		args = append(args, "-P", p)
	}
	if u.User != nil {
		args = append(args, "-u", u.User.Username())
	}
	args = append(args, strings.TrimPrefix(u.Path, "/"))
	cmd := exec.Command(bin, args...)
	cmd.Env = os.Environ()
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			cmd.Env = append(cmd.Env, "MYSQL_PWD="+p)
		}
	}
	cmd.Stdin = bytes.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("load script into %s: %v: %s", redactMy(dbURL), err, out)
	}
}

// MySQLDigests returns, for every base table, "count:md5" of its rows
// (every column's exact value: HEX of the stored bytes, FLOAT widened to
// DOUBLE, BIT as a number), sorted, so two databases with equal digests
// hold the same values.
func MySQLDigests(t testing.TB, dbURL string) map[string]string {
	t.Helper()
	db, err := MySQLOpen(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE FROM information_schema.COLUMNS c
		JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
		WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' AND t.TABLE_NAME <> '_dbtwin_incomplete'
		ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`)
	if err != nil {
		t.Fatalf("list columns: %v", err)
	}
	exprs := map[string][]string{}
	var order []string
	for rows.Next() {
		var tb, col, typ string
		if err := rows.Scan(&tb, &col, &typ); err != nil {
			t.Fatal(err)
		}
		if _, ok := exprs[tb]; !ok {
			order = append(order, tb)
		}
		q := "`" + strings.ReplaceAll(col, "`", "``") + "`"
		switch typ {
		case "float":
			q = "CAST(" + q + " + 0e0 AS CHAR)"
		case "bit":
			q = q + " + 0"
		}
		exprs[tb] = append(exprs[tb], "IFNULL(HEX("+q+"), 'N')")
	}
	rows.Close()
	out := map[string]string{}
	for _, tb := range order {
		q := "SELECT CONCAT_WS(',', " + strings.Join(exprs[tb], ", ") + ") FROM `" + strings.ReplaceAll(tb, "`", "``") + "`"
		r, err := db.Query(q)
		if err != nil {
			t.Fatalf("digest %s: %v", tb, err)
		}
		var lines []string
		for r.Next() {
			var s string
			if err := r.Scan(&s); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, s)
		}
		if err := r.Err(); err != nil {
			t.Fatalf("digest %s: %v", tb, err)
		}
		r.Close()
		sort.Strings(lines)
		h := md5.Sum([]byte(strings.Join(lines, "\n")))
		out[tb] = fmt.Sprintf("%d:%s", len(lines), hex.EncodeToString(h[:]))
	}
	return out
}
