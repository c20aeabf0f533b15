package mysql

import (
	"context"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

func TestConfigFromURL(t *testing.T) {
	for raw, want := range map[string]string{
		"mysql://app:p@ss/w:rd@db.example:3307/shop?tls=skip-verify": "app p@ss/w:rd tcp db.example:3307 shop skip-verify",
		"mariadb://reader@10.0.0.5/app":                              "reader  tcp 10.0.0.5:3306 app ",
		"mysql:///app?socket=/run/mysqld/mysqld.sock":                "root  unix /run/mysqld/mysqld.sock app ",
		"mysql://u@[::1]/x":                                          "u  tcp [::1]:3306 x ",
	} {
		u, err := dbtwin.ParseURL(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		cfg, err := Config(u)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		got := strings.Join([]string{cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName, cfg.TLSConfig}, " ")
		if got != want {
			t.Errorf("%s: got %q, want %q", raw, got, want)
		}
	}
	for _, raw := range []string{"mysql://u@h:3306/", "mysql://u@h1,h2/db"} {
		u, err := dbtwin.ParseURL(raw)
		if err != nil {
			continue
		}
		if _, err := Config(u); err == nil {
			t.Errorf("%s: accepted", raw)
		}
	}
}

// A wrong password is refused with a hint, and the error never shows it.
func TestConnectErrorHidesPassword(t *testing.T) {
	admin := dbtest.MySQLAdminURL(t)
	u, err := dbtwin.ParseURL(admin)
	if err != nil {
		t.Fatal(err)
	}
	host := u.Host
	if host == "" {
		host = "127.0.0.1:3306"
	}
	_, err = dbtwin.OpenSource(context.Background(), "mysql://nobody:S3cretPassw0rd@"+host+"/nodb")
	if err == nil {
		t.Fatal("connected with a wrong password")
	}
	if strings.Contains(err.Error(), "S3cretPassw0rd") || !strings.Contains(err.Error(), "xxxxx") {
		t.Errorf("error %q: want the URL redacted", err)
	}
}

// An account without RELOAD gets one reader (ModeSingle); with it, the
// readers share the global read lock (ModeLocked).
func TestSnapshotModes(t *testing.T) {
	src := dbtest.MySQL(t)
	dbtest.MySQLExec(t, src, "CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1), (2)")
	su, _ := dbtwin.ParseURL(src)
	user := "dbtwin_ro_" + strings.TrimPrefix(su.Database, "dbtwin_test_")
	admin := dbtest.MySQLAdminURL(t)
	dbtest.MySQLExec(t, admin, "CREATE USER '"+user+"'@'%' IDENTIFIED BY 'ro-pass'; GRANT SELECT, SHOW VIEW ON `"+su.Database+"`.* TO '"+user+"'@'%'")
	t.Cleanup(func() { dbtest.MySQLExec(t, admin, "DROP USER IF EXISTS '"+user+"'@'%'") })
	host := su.Host
	if host == "" {
		host = "127.0.0.1:3306"
	}
	ctx := context.Background()
	for url, want := range map[string]SnapshotMode{
		src: ModeLocked,
		"mysql://" + user + ":ro-pass@" + host + "/" + su.Database: ModeSingle,
	} {
		s, err := dbtwin.OpenSource(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		snap, err := s.Snapshot(ctx, 3)
		if err != nil {
			t.Fatalf("%s: %v", dbtwin.RedactURL(url), err)
		}
		ms := snap.(*snapshot)
		if ms.Mode() != want {
			t.Errorf("%s: mode %s, want %s", dbtwin.RedactURL(url), ms.Mode(), want)
		}
		n, err := snap.Count(ctx, snap.Schema().Table("t"), "")
		if err != nil || n != 2 {
			t.Errorf("count: %d, %v", n, err)
		}
		snap.Close()
		s.Close()
	}
}

// statement_timeout=MS (what scan --timeout sets) stops a slow statement.
func TestStatementTimeoutParam(t *testing.T) {
	src := dbtest.MySQL(t)
	ctx := context.Background()
	s, err := dbtwin.OpenSource(ctx, src+"?statement_timeout=2000")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	snap, err := s.Snapshot(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	rows, err := snap.Query(ctx, "SELECT SLEEP(10)")
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
	}
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "max_statement_time") && !strings.Contains(strings.ToLower(err.Error()), "interrupted") {
		t.Fatalf("slow statement: err = %v, want it stopped by the statement timeout", err)
	}
}
