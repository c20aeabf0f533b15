package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

func TestClassifyPostData(t *testing.T) {
	cases := map[string]postStep{
		"SET statement_timeout = 0":                                                                                         stepPreamble,
		"SELECT pg_catalog.set_config('search_path', '', false)":                                                            stepPreamble,
		"CREATE INDEX idx_actor_last_name ON public.actor USING btree (last_name)":                                          stepIndex,
		"CREATE UNIQUE INDEX u ON public.t USING btree (lower(email)) WHERE active":                                         stepIndex,
		"ALTER TABLE ONLY public.actor\n    ADD CONSTRAINT actor_pkey PRIMARY KEY (actor_id)":                               stepIndex,
		"ALTER TABLE ONLY public.t ADD CONSTRAINT t_email_key UNIQUE (email)":                                               stepIndex,
		"ALTER TABLE ONLY public.t ADD CONSTRAINT t_excl EXCLUDE USING gist (r WITH &&)":                                    stepIndex,
		"ALTER INDEX public.payment_pkey ATTACH PARTITION public.payment_p2022_01_pkey":                                     stepAttach,
		"ALTER TABLE ONLY public.address\n    ADD CONSTRAINT fk_city FOREIGN KEY (city_id) REFERENCES public.city(city_id)": stepForeignKey,
		"CREATE TRIGGER last_updated BEFORE UPDATE ON public.actor FOR EACH ROW EXECUTE FUNCTION public.last_updated()":     stepRest,
		"ALTER TABLE public.t CLUSTER ON t_pkey":                                                                            stepRest,
		"ALTER TABLE public.t ADD CONSTRAINT c CHECK (x > 0) NOT VALID":                                                     stepRest,
		// Issue 14: hostile names (spaces, quotes, semicolons) in the constraint name.
		"ALTER TABLE ONLY \"We\"\"ird schema\".\"Ro\"\"bert'); DROP TABLE x;--\"\n    ADD CONSTRAINT \"Ro\"\"bert'); DROP TABLE x;--_pkey\" PRIMARY KEY (id)": stepIndex,
		"ALTER TABLE ONLY public.\"M\"\n    ADD CONSTRAINT \"a b fkey\" FOREIGN KEY (\"Ref\") REFERENCES \"x y\".\"z\"(id)":                                   stepForeignKey,
	}
	for sql, want := range cases {
		if got := classifyPostData(sql); got != want {
			t.Errorf("%q: got %s, want %s", sql, got, want)
		}
	}
}

func TestPostTable(t *testing.T) {
	cases := map[string]string{
		"CREATE INDEX idx_actor_last_name ON public.actor USING btree (last_name)":                                          "public.actor",
		"CREATE UNIQUE INDEX u ON ONLY public.\"T x\" USING btree (lower(email)) WHERE active":                              `public."T x"`,
		"ALTER TABLE ONLY public.actor\n    ADD CONSTRAINT actor_pkey PRIMARY KEY (actor_id)":                               "public.actor",
		"ALTER TABLE ONLY public.address\n    ADD CONSTRAINT fk_city FOREIGN KEY (city_id) REFERENCES public.city(city_id)": "public.address",
		"SET statement_timeout = 0": "",
	}
	for sql, want := range cases {
		if got := postTable(sql); got != want {
			t.Errorf("%q: got %q, want %q", sql, got, want)
		}
	}
}

// Index builds start with the largest table's.
func TestLargestFirst(t *testing.T) {
	u := dbtest.Postgres(t)
	dbtest.Exec(t, u, `CREATE TABLE small (id int); CREATE TABLE big (id int);
INSERT INTO big SELECT generate_series(1, 20000); INSERT INTO small VALUES (1)`)
	tg := openTarget(t, u, 2)
	stmts := []statement{{SQL: "CREATE INDEX a ON public.small USING btree (id)"}, {SQL: "CREATE INDEX b ON public.missing USING btree (id)"},
		{SQL: "ALTER TABLE ONLY public.big ADD CONSTRAINT big_pkey PRIMARY KEY (id)"}, {SQL: "CREATE INDEX c ON public.small USING btree (id)"}}
	if err := tg.largestFirst(context.Background(), stmts); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range stmts {
		got = append(got, postTable(st.SQL))
	}
	if want := "public.big public.small public.small public.missing"; strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
}

// Index-building sessions get a larger maintenance_work_mem, never a smaller one.
func TestIndexMemory(t *testing.T) {
	u := dbtest.Postgres(t)
	tg := openTarget(t, u, 2)
	ctx := context.Background()
	c, err := tg.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer closeConn(c)
	show := func() string {
		var v string
		if err := c.QueryRow(ctx, "SHOW maintenance_work_mem").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if _, err := c.Exec(ctx, "SET maintenance_work_mem = '64MB'; "+tg.indexMemory().SQL); err != nil {
		t.Fatal(err)
	}
	if got := show(); got != "512MB" {
		t.Errorf("with 2 writers: maintenance_work_mem %s, want 512MB", got)
	}
	if _, err := c.Exec(ctx, "SET maintenance_work_mem = '2GB'; "+tg.indexMemory().SQL); err != nil {
		t.Fatal(err)
	}
	if got := show(); got != "2GB" {
		t.Errorf("a higher setting was lowered to %s", got)
	}
}
