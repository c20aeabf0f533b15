package subset

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/config"
)

func TestZZShow(t *testing.T) {
	url := sqliteFrom(t, "incident")
	rels := []dbtwin.Relation{{FromTable: "guest_purchases", FromColumns: []string{"national_id"},
		ToTable: "users", ToColumns: []string{"national_id"}, Kind: "value"}}
	o := subsetRun(t, url, rels, &config.Subset{Roots: []config.Root{{Table: "users", Percent: 10, Where: "id > 10"}}}, Options{})
	o.plan.WriteText(os.Stdout)
	js, _ := json.MarshalIndent(o.plan, "", " ")
	os.Stdout.Write(js[:900])
	o.sel.WriteText(os.Stdout)
	js, _ = json.Marshal(o.sel.Tables())
	os.Stdout.Write(js)
}
