package mysql_test

import (
	"context"
	"testing"

	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// Under a case-insensitive collation A@x.com and a@x.com are equal: the
// masked twin keeps them equal (joins and duplicate checks behave as in
// production), keeps distinct ones distinct, and its unique key holds.
func TestMaskKeepsCaseInsensitiveEquality(t *testing.T) {
	t.Parallel()
	src, dst := dbtest.MySQL(t), dbtest.MySQL(t)
	dbtest.MySQLExec(t, src, `
CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100) COLLATE utf8mb4_general_ci NOT NULL, UNIQUE KEY users_email (email));
CREATE TABLE guests (id INT PRIMARY KEY, email VARCHAR(100) COLLATE utf8mb4_general_ci NOT NULL);
INSERT INTO users VALUES (1, 'Ana.Silva@Example.com'), (2, 'bruno@example.com'), (3, 'CARLA@EXAMPLE.COM'), (4, 'dora@example.org');
INSERT INTO guests VALUES (1, 'ana.silva@example.com'), (2, 'BRUNO@EXAMPLE.COM'), (3, 'carla@example.com'), (4, 'Carla@Example.com'), (5, 'eve@example.net');
`)
	cfg, err := config.Parse("dbtwin.yaml", []byte("version: 1\nmask:\n  users:\n    email: email\n  guests:\n    email: email\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = clone.Run(context.Background(), clone.Options{Source: src, Target: dst, Jobs: 2, Config: cfg,
		Secret: []byte("ci-collation-test-secret-0123456789")})
	if err != nil {
		t.Fatalf("masked clone: %v", err)
	}
	const joined = "SELECT COUNT(*) FROM users u JOIN guests g ON g.email = u.email"
	const distinct = "SELECT COUNT(DISTINCT email) FROM guests"
	for _, q := range []string{joined, distinct, "SELECT COUNT(*) FROM users"} {
		if a, b := dbtest.MySQLQueryString(t, src, q), dbtest.MySQLQueryString(t, dst, q); a != b {
			t.Errorf("%s: source %s, twin %s", q, a, b)
		}
	}
	if got := dbtest.MySQLQueryString(t, dst, "SELECT COUNT(*) FROM users u JOIN guests g ON BINARY g.email = BINARY u.email"); got != "0" {
		t.Errorf("letter case not kept: %s rows equal byte for byte, want 0 (the originals differ in case)", got)
	}
	if got := dbtest.MySQLQueryString(t, dst, "SELECT COUNT(*) FROM users WHERE email IN ('Ana.Silva@Example.com', 'bruno@example.com')"); got != "0" {
		t.Errorf("%s original emails in the twin", got)
	}
}
