package postgres

import (
	"database/sql"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the suite's writes

	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/internal/enginetest"
)

// TestConformance runs the engine conformance suite on PostgreSQL.
func TestConformance(t *testing.T) {
	enginetest.Run(t, enginetest.Engine{
		Name:  "postgres",
		NewDB: func(t *testing.T) string { return dbtest.Postgres(t) },
		Open: func(t *testing.T, url string) *sql.DB {
			db, err := sql.Open("pgx", url)
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
		Digests: func(t *testing.T, url string) map[string]string { return dbtest.PostgresDigests(t, url) },
		Types: map[string]string{"int": "integer", "varchar": "varchar(100)", "bytes": "bytea", "decimal": "numeric(30,10)",
			"bool": "boolean", "timestamp": "timestamp"},
		// A foreign key the twin has not validated (as after a failed
		// validation), and no trigger checking the insert.
		NoFKChecks: []string{"UPDATE pg_constraint SET convalidated = false WHERE conrelid = 'orders'::regclass AND contype = 'f'",
			"SET session_replication_role = replica"},
		Incomplete: func(t *testing.T, url string) bool {
			c := dbtest.QueryString(t, url, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()")
			return strings.Contains(c, "INCOMPLETE") || strings.Contains(c, "FAILED") || strings.Contains(c, "failed")
		},
	})
}
