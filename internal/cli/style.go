package cli

import (
	"bytes"
	"io"
	"os"
)

// bold returns s in bold when w is a colour terminal.
func bold(w io.Writer, s string) string {
	if !colour(w) {
		return s
	}
	return "\x1b[1m" + s + "\x1b[0m"
}

// red and green colour s on a terminal.
func red(w io.Writer, s string) string   { return paint(w, "31", s) }
func green(w io.Writer, s string) string { return paint(w, "32", s) }

func paint(w io.Writer, code, s string) string {
	if !colour(w) {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func colour(w io.Writer) bool {
	if iw, ok := w.(*indentWriter); ok {
		w = iw.w
	}
	return os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

// indentWriter prefixes every line with three spaces.
type indentWriter struct {
	w   io.Writer
	mid bool
}

func indent(w io.Writer) io.Writer { return &indentWriter{w: w} }

func (iw *indentWriter) Write(p []byte) (int, error) {
	var buf bytes.Buffer
	for _, b := range p {
		if !iw.mid {
			buf.WriteString("   ")
			iw.mid = true
		}
		buf.WriteByte(b)
		if b == '\n' {
			iw.mid = false
		}
	}
	if _, err := iw.w.Write(buf.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}
