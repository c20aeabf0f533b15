package mysql_test

import (
	"database/sql"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/internal/enginetest"
)

// TestConformance runs the engine conformance suite on MySQL/MariaDB.
func TestConformance(t *testing.T) {
	enginetest.Run(t, enginetest.Engine{
		Name:  "mysql",
		NewDB: func(t *testing.T) string { return dbtest.MySQL(t) },
		Open: func(t *testing.T, url string) *sql.DB {
			db, err := dbtest.MySQLOpen(url)
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
		Digests: func(t *testing.T, url string) map[string]string { return dbtest.MySQLDigests(t, url) },
		Types: map[string]string{"varchar": "VARCHAR(100)", "bytes": "BLOB", "decimal": "DECIMAL(30,10)",
			"bool": "BOOLEAN", "timestamp": "DATETIME"},
		NoFKChecks: []string{"SET foreign_key_checks = 0"},
		Incomplete: func(t *testing.T, url string) bool {
			return dbtest.MySQLQueryString(t, url, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_dbtwin_incomplete'") == "1"
		},
	})
}
