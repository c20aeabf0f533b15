package dbtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// PostgresFixture names a PostgreSQL fixture: the SQL files to run, in order,
// from Dir (relative to the fixtures folder).
type PostgresFixture struct {
	Name  string
	Dir   string
	Files []string
}

// PostgresFixtures lists every PostgreSQL fixture in ../shared/fixtures.
var PostgresFixtures = []PostgresFixture{
	{Name: "chinook", Dir: "chinook", Files: []string{"Chinook_PostgreSql.sql"}},
	{Name: "pagila", Dir: "pagila", Files: []string{"pagila-schema.sql", "pagila-data.sql"}},
	{Name: "northwind", Dir: "northwind/postgres", Files: []string{"northwind_psql.sql"}},
	{Name: "world", Dir: "world", Files: []string{"world.sql"}},
}

// SQLiteFixtures maps a fixture name to its SQLite file, relative to the fixtures folder.
var SQLiteFixtures = map[string]string{
	"chinook":   "chinook/Chinook_Sqlite.sqlite",
	"northwind": "northwind/sqlite/northwind.db",
}

// Chinook's script creates and connects to its own database; these lines are
// dropped so it loads into the test's database instead.
var ownDatabase = regexp.MustCompile(`(?i)^(DROP DATABASE|CREATE DATABASE|\\c\s)`)

func dropOwnDatabase(script []byte) []byte {
	lines := bytes.SplitAfter(script, []byte("\n"))
	out := make([]byte, 0, len(script))
	for _, l := range lines {
		if !ownDatabase.Match(bytes.TrimSpace(l)) {
			out = append(out, l...)
		}
	}
	return out
}

// LoadPostgresFixture creates a fresh database, loads the named fixture into it
// with psql and returns the database's URL.
func LoadPostgresFixture(t testing.TB, name string) string {
	t.Helper()
	var fx *PostgresFixture
	for i := range PostgresFixtures {
		if PostgresFixtures[i].Name == name {
			fx = &PostgresFixtures[i]
		}
	}
	if fx == nil {
		t.Fatalf("unknown PostgreSQL fixture %q", name)
	}
	dir := filepath.Join(Fixtures(t), fx.Dir)
	dbURL := Postgres(t)
	for _, f := range fx.Files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("read fixture %s: %v", f, err)
		}
		script := dropOwnDatabase(data)
		RunPsql(t, dbURL, dir, script)
	}
	return dbURL
}

// RunPsql runs a SQL script through psql (so \copy and COPY FROM stdin work)
// with ON_ERROR_STOP, in the working directory dir.
func RunPsql(t testing.TB, dbURL, dir string, script []byte) {
	t.Helper()
	psql, err := pgBinary("psql")
	if err != nil {
		Unavailable(t, "%v", err)
	}
	tmp := filepath.Join(t.TempDir(), "script.sql")
	if err := os.WriteFile(tmp, script, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dbURL, "-f", tmp)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PGOPTIONS=-c client_min_messages=warning")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("psql %s: %v\n%s", tmp, err, out)
	}
}

// SQLiteFixture copies the named SQLite fixture into the test's temp dir and
// returns the copy's path.
func SQLiteFixture(t testing.TB, name string) string {
	t.Helper()
	rel, ok := SQLiteFixtures[name]
	if !ok {
		t.Fatalf("unknown SQLite fixture %q", name)
	}
	return CopyFile(t, filepath.Join(Fixtures(t), rel))
}
