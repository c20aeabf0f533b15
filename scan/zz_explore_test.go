package scan

import (
	"context"
	"os"
	"testing"

	"github.com/dbtwin/dbtwin"
	_ "github.com/dbtwin/dbtwin/postgres"
	_ "github.com/dbtwin/dbtwin/sqlite"
)

func TestZZExplore(t *testing.T) {
	u := os.Getenv("SCAN_EXPLORE_URL")
	if u == "" {
		t.Skip()
	}
	ctx := context.Background()
	src, err := dbtwin.OpenSource(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	snap, err := src.Snapshot(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	res, err := Run(ctx, snap, Options{})
	if err != nil {
		t.Fatal(err)
	}
	WriteText(os.Stdout, res)
	if os.Getenv("SCAN_EXPLORE_CONFIG") != "" {
		WriteConfig(os.Stdout, res, snap.Schema())
	}
}
