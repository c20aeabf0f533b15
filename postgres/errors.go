package postgres

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/dbtwin/dbtwin"
	"github.com/jackc/pgx/v5/pgconn"
)

// scrubValues removes row values from a server message (dbtwin.RedactValues):
// dbtwin names table, column and line and never repeats a value.
func scrubValues(s string) string { return dbtwin.RedactValues(s) }

func scrubWhere(where string) string { return dbtwin.RedactValues(where) }

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
