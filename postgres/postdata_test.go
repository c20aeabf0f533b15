package postgres

import "testing"

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
	}
	for sql, want := range cases {
		if got := classifyPostData(sql); got != want {
			t.Errorf("%q: got %s, want %s", sql, got, want)
		}
	}
}
