package signup

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"

	"github.com/dbtwin/dbtwin/check"
	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/config"
	_ "github.com/dbtwin/dbtwin/sqlite" // register the SQLite engine
)

// twinChecks are the checks a twin must pass before tests rely on it.
//
//go:embed twin-checks.yaml
var twinChecks []byte

// TwinConfig is the service's dbtwin configuration, built in Go: every
// personal column masked, the guest table's undeclared link to users, and a
// quarter of the users with what they need.
func TwinConfig() *config.Config {
	rule := func(t string, params ...any) config.Rule {
		r := config.Rule{Transformer: t}
		for i := 0; i+1 < len(params); i += 2 {
			if r.Params == nil {
				r.Params = map[string]any{}
			}
			r.Params[params[i].(string)] = params[i+1]
		}
		return r
	}
	col := func(c string, r config.Rule) config.ColumnRule { return config.ColumnRule{Column: c, Rule: r} }
	return &config.Config{
		Version: 1,
		Mask: []config.TableMask{
			{Table: "users", Columns: []config.ColumnRule{
				col("email", rule("email")),
				col("first_name", rule("first_name")),
				col("last_name", rule("last_name")),
				col("national_id", rule("digits", "keep_length", true)),
				col("phone", rule("phone")),
				col("birth_date", rule("date", "age_band", 10)),
			}},
			{Table: "guest_purchases", Columns: []config.ColumnRule{
				col("national_id", rule("digits", "keep_length", true)),
				col("email", rule("email")),
			}},
		},
		Keep: []config.Ref{{Text: "guest_purchases.purchased_at"}, {Text: "orders.status"}, {Text: "orders.created_at"},
			{Text: "subscriptions.list"}, {Text: "users.country"}, {Text: "users.created_at"}},
		Relations: []config.RelationSpec{{Kind: "value",
			FromTable: "guest_purchases", FromColumns: []string{"national_id"},
			ToTable: "users", ToColumns: []string{"national_id"}}},
		Subset: &config.Subset{
			Roots:       []config.Root{{Table: "users", Percent: 25}},
			Children:    config.ChildCaps{MaxPerParent: 100},
			Unreachable: &config.Unreachable{Percent: 25},
		},
	}
}

// MakeTwin clones the production SQLite file into a masked subset twin and
// runs the twin's checks against it, production being the baseline.
func MakeTwin(ctx context.Context, production, twin string, secret []byte) (*clone.Result, error) {
	res, err := clone.Run(ctx, clone.Options{Source: production, Target: twin, Config: TwinConfig(), Secret: secret, Jobs: 2})
	if err != nil {
		return res, fmt.Errorf("make the twin: %w", err)
	}
	checks, err := check.Parse("twin-checks.yaml", twinChecks)
	if err != nil {
		return res, err
	}
	db, err := sql.Open("sqlite", twin)
	if err != nil {
		return res, err
	}
	defer db.Close()
	base, err := sql.Open("sqlite", "file:"+production+"?mode=ro")
	if err != nil {
		return res, err
	}
	defer base.Close()
	if err := check.MustRun(ctx, db, "sqlite", checks, check.Options{Baseline: base, BaselineDialect: "sqlite"}); err != nil {
		return res, fmt.Errorf("the twin is not production-shaped: %w", err)
	}
	return res, nil
}
