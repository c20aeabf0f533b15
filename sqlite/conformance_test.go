package sqlite

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/internal/enginetest"
)

// TestConformance runs the engine conformance suite on SQLite.
func TestConformance(t *testing.T) {
	n := 0
	enginetest.Run(t, enginetest.Engine{
		Name: "sqlite",
		NewDB: func(t *testing.T) string {
			n++
			return "sqlite:" + filepath.Join(t.TempDir(), "db"+string(rune('a'+n%26))+".sqlite")
		},
		Open: func(t *testing.T, url string) *sql.DB {
			db, err := sql.Open("sqlite", strings.TrimPrefix(url, "sqlite:"))
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
		Digests: func(t *testing.T, url string) map[string]string {
			return dbtest.SQLiteDigests(t, strings.TrimPrefix(url, "sqlite:"))
		},
		Types: map[string]string{"int": "INTEGER", "varchar": "VARCHAR(100)", "bytes": "BLOB", "decimal": "NUMERIC",
			"bool": "BOOLEAN", "timestamp": "TIMESTAMP"},
		// SQLite checks foreign keys only with PRAGMA foreign_keys = ON,
		// which the suite's connections do not set.
		Incomplete: func(*testing.T, string) bool { return false },
	})
}
