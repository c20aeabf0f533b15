package postgres

import (
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// Server messages quote row values in a few well-known places: the COPY
// line or field being read ("COPY t, line 3: \"…\""), the key of a unique or
// foreign key violation ("Key (email)=(…)"), the failing row of a NOT NULL
// or CHECK violation, and the input of a type's parser ("invalid input
// syntax for type integer: \"…\""). dbtwin names table, column and line and
// never repeats a value: these patterns are cut out of every error it
// reports from a server.
var (
	quotedTail     = regexp.MustCompile(`(?m): ".*"( \(SQLSTATE [0-9A-Z]+\))?$`)
	quotedValue    = regexp.MustCompile(`(value|literal|input) "[^"]*"`)
	keyValues      = regexp.MustCompile(`\)=\(.*\)( already exists| is not present| is still referenced| is duplicated| conflicts| violates)`)
	failingRow     = regexp.MustCompile(`(Failing row contains) \(.*\)`)
	copyWhereValue = regexp.MustCompile(`(COPY [^,\n]+, line \d+(?:, column [^:\n]+)?): .*`)
)

// scrubValues removes row values from one line of a server message.
func scrubValues(s string) string {
	s = quotedTail.ReplaceAllString(s, ": (value not shown)$1")
	s = quotedValue.ReplaceAllString(s, "$1 (not shown)")
	s = keyValues.ReplaceAllString(s, ")=(values not shown)$1")
	s = failingRow.ReplaceAllString(s, "$1 (values not shown)")
	return s
}

func scrubWhere(where string) string {
	lines := strings.Split(where, "\n")
	for i, l := range lines {
		lines[i] = scrubValues(copyWhereValue.ReplaceAllString(l, "$1"))
	}
	return strings.Join(lines, "\n")
}

// describe rewrites a server error: the message, detail and context without
// row values, plus the hint. The original stays reachable with errors.As.
func describe(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	msg := scrubValues(err.Error())
	var extra []string
	if d := scrubValues(pe.Detail); d != "" {
		extra = append(extra, "detail: "+d)
	}
	if w := scrubWhere(pe.Where); w != "" {
		extra = append(extra, "where: "+w)
	}
	if pe.Hint != "" {
		extra = append(extra, "hint: "+scrubValues(pe.Hint))
	}
	if len(extra) > 0 {
		msg += " (" + strings.Join(extra, "; ") + ")"
	}
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

// connectionLost reports whether err means the server ended the session:
// pg_terminate_backend, a server restart or crash, a dropped network.
func connectionLost(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "unexpected EOF") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "connection reset")
}

// lostConnection explains a session the server ended while doing what.
func lostConnection(doing string, err error) error {
	return fmt.Errorf("the server closed the connection while %s (terminated by an administrator, "+
		"a server restart or crash, or a network failure): run the command again: %w", doing, err)
}
