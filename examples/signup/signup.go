// Package signup is a tiny sign-up service, the one from dbtwin's incident:
// a campaign meant to win 20,000 users got about 300, because the duplicate
// check also looked at an overlooked table of guest purchases, and the
// people the campaign invited had bought as guests before. Its tests (see
// signup_test.go) pass on an empty database and catch the bug on a twin.
package signup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrDuplicate means the person already has an account.
var ErrDuplicate = errors.New("already registered")

// DuplicateCheck reports whether a person (national ID, e-mail) already has
// an account.
type DuplicateCheck func(ctx context.Context, db *sql.DB, nationalID, email string) (bool, error)

// BuggyDuplicateCheck is the check that shipped: someone "knew" that guest
// purchases hold customers too, so a national ID found there counted as an
// existing account. Guests who never registered cannot sign up.
func BuggyDuplicateCheck(ctx context.Context, db *sql.DB, nationalID, email string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `
SELECT (SELECT count(*) FROM users WHERE national_id = ? OR lower(email) = lower(?))
     + (SELECT count(*) FROM guest_purchases WHERE national_id = ?)`, nationalID, email, nationalID).Scan(&n)
	return n > 0, err
}

// FixedDuplicateCheck looks at accounts only.
func FixedDuplicateCheck(ctx context.Context, db *sql.DB, nationalID, email string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE national_id = ? OR lower(email) = lower(?)`,
		nationalID, email).Scan(&n)
	return n > 0, err
}

// Service signs people up.
type Service struct {
	DB        *sql.DB
	Duplicate DuplicateCheck
}

// Person is a sign-up form.
type Person struct {
	Email, FirstName, LastName, NationalID, Country string
}

// SignUp creates an account, or returns ErrDuplicate.
func (s *Service) SignUp(ctx context.Context, p Person) error {
	dup, err := s.Duplicate(ctx, s.DB, p.NationalID, p.Email)
	if err != nil {
		return fmt.Errorf("sign up: duplicate check: %w", err)
	}
	if dup {
		return ErrDuplicate
	}
	_, err = s.DB.ExecContext(ctx, `INSERT INTO users (email, first_name, last_name, national_id, country, created_at)
VALUES (?, ?, ?, ?, ?, ?)`, p.Email, p.FirstName, p.LastName, p.NationalID, p.Country, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("sign up: %w", err)
	}
	return nil
}

// Schema is the service's migration, what its tests create in an empty
// database: the same tables as production.
const Schema = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
  national_id TEXT NOT NULL UNIQUE, phone TEXT, birth_date TEXT, country TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE guest_purchases (
  id INTEGER PRIMARY KEY, national_id TEXT NOT NULL, email TEXT NOT NULL, amount REAL NOT NULL, purchased_at TEXT NOT NULL);
`
