package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 14, item 9: a config with 1.5M unknown entries printed a 118 MB
// error. Errors list the first MaxErrors problems and count the rest; a
// file over MaxSize is refused before it is parsed.
func TestErrorsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "unknown_%d: 1\n", i)
	}
	_, err := Parse("big.yaml", []byte(b.String()))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %T: %v", err, err)
	}
	if len(es) != MaxErrors+1 || !strings.Contains(es[MaxErrors].Msg, "4,980 more problem(s)") {
		t.Errorf("%d problems, last %q", len(es), es[len(es)-1].Msg)
	}
	if !strings.Contains(es[0].Error(), "big.yaml:2:1") {
		t.Errorf("first problem: %s", es[0])
	}
	if n := len(err.Error()); n > 5000 {
		t.Errorf("error is %d bytes", n)
	}
}

func TestOversizedConfigRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dbtwin.yaml")
	data := []byte("version: 1\n" + strings.Repeat("# padding padding padding\n", MaxSize/26+10))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), "at most 8 MiB") || !IsConfigError(err) {
		t.Errorf("Load: %v", err)
	}
	if _, err := Parse("x.yaml", data); err == nil {
		t.Errorf("Parse accepted %d bytes", len(data))
	}
}

func TestLoadContextCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dbtwin.yaml")
	os.WriteFile(path, []byte("version: 1\n"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadContext(ctx, path); err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled load: %v", err)
	}
	if cfg, err := LoadContext(context.Background(), path); err != nil || cfg.Version != 1 {
		t.Errorf("load: %v", err)
	}
}
