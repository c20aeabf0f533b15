package benchdb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// IncidentDB is the name of the shared incident-shaped benchmark database
// built by Incident at full scale (1,000,000 users, about 1.1 GB).
const IncidentDB = "dbtwin_bench_incident"

// IncidentUsers is the number of users of the full-scale incident database.
const IncidentUsers = 1_000_000

// incidentVersion is stored as the database's comment. A database carrying
// another comment (an older shape, or a build that did not finish) is rebuilt.
const incidentVersion = "dbtwin bench incident v1"

// Incident returns the URL of the shared incident-shaped benchmark database
// (IncidentDB on the server adminURL points at), building it first when it is
// missing or was built by another version of this code. The database has
// 1,000,000 users with unique lower(email), unique 11-digit national IDs,
// unique Brazilian mobile numbers, names, birth dates, a jsonb profile with a
// phone and a second email and a free-text bio; 500,000 guest_purchases whose
// national IDs are 40% users' IDs (no foreign key); 2,000,000 orders and
// 2,300,000 subscriptions referencing users. Treat it as read-only: other
// benchmarks reuse it. Building takes a few minutes; concurrent callers wait
// for one build.
func Incident(ctx context.Context, adminURL string) (string, error) {
	return IncidentScaled(ctx, adminURL, IncidentUsers)
}

// IncidentScaled is Incident with another number of users (the other tables
// scale with it), for tests and quick runs: the database is named
// IncidentDB for IncidentUsers users and IncidentDB_<users> otherwise.
func IncidentScaled(ctx context.Context, adminURL string, users int) (string, error) {
	if users < 10 {
		return "", fmt.Errorf("incident benchmark database: %d users is too few (need at least 10)", users)
	}
	name := IncidentDB
	if users != IncidentUsers {
		name = fmt.Sprintf("%s_%d", IncidentDB, users)
	}
	marker := fmt.Sprintf("%s users=%d", incidentVersion, users)
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("incident benchmark database: connect to the admin URL: %w", err)
	}
	defer admin.Close(ctx)
	// One builder at a time per database name; the others wait and reuse it.
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(hashtext($1))", name); err != nil {
		return "", fmt.Errorf("incident benchmark database: take the build lock: %w", err)
	}
	defer admin.Exec(context.Background(), "SELECT pg_advisory_unlock(hashtext($1))", name) //nolint:errcheck
	var comment *string
	err = admin.QueryRow(ctx, `SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1`, name).Scan(&comment)
	if err == nil && comment != nil && *comment == marker {
		return WithDB(adminURL, name), nil
	}
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("incident benchmark database: look up %s: %w", name, err)
	}
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return "", fmt.Errorf("incident benchmark database: drop the stale %s: %w", name, err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident+" TEMPLATE template0"); err != nil {
		return "", fmt.Errorf("incident benchmark database: create %s: %w", name, err)
	}
	dbURL := WithDB(adminURL, name)
	if err := BuildIncident(ctx, dbURL, users); err != nil {
		return "", err
	}
	// The marker goes on last: an interrupted build is rebuilt next time.
	if _, err := admin.Exec(ctx, "COMMENT ON DATABASE "+ident+" IS '"+marker+"'"); err != nil {
		return "", fmt.Errorf("incident benchmark database: mark %s as built: %w", name, err)
	}
	return dbURL, nil
}

// IncidentRows returns the row count of each table of an incident database
// with the given number of users.
func IncidentRows(users int) map[string]int64 {
	n := int64(users)
	return map[string]int64{"users": n, "guest_purchases": n / 2, "orders": 2 * n, "subscriptions": 23 * n / 10}
}

const incidentSchema = `
CREATE TABLE users (
  id bigint NOT NULL, first_name text NOT NULL, last_name text NOT NULL, email text NOT NULL,
  national_id char(11) NOT NULL, phone text NOT NULL, birth_date date, created_at timestamptz NOT NULL,
  profile jsonb, bio text);
CREATE TABLE guest_purchases (
  id bigint NOT NULL, national_id char(11) NOT NULL, email text, amount numeric(12,2) NOT NULL,
  purchased_at timestamptz NOT NULL);
CREATE TABLE orders (
  id bigint NOT NULL, user_id bigint NOT NULL, amount numeric(12,2) NOT NULL, shipping numeric(8,2) NOT NULL,
  status text NOT NULL, created_at timestamptz NOT NULL, shipped_at timestamptz);
CREATE TABLE subscriptions (
  id bigint NOT NULL, user_id bigint NOT NULL, topic text NOT NULL, active boolean NOT NULL,
  created_at timestamptz NOT NULL);
`

// Deterministic value generators shared by the tables (x is a bigint SQL
// expression). Multiplying by a number coprime with 10 modulo a power of ten is
// a bijection, so these are unique for distinct x in range.
func nationalID(x string) string {
	return fmt.Sprintf("lpad(((%s)::bigint * 9876543211 %% 100000000000)::text, 11, '0')", x)
}

func mobileDigits(x string) string {
	return fmt.Sprintf("lpad(((%s)::bigint * 48271 %% 100000000)::text, 8, '0')", x)
}

const firstNames = `ARRAY['Ana','Maria','João','José','Pedro','Lucas','Gabriel','Rafael','Juliana','Fernanda',
  'Camila','Beatriz','Larissa','Mariana','Bruno','Carlos','Paulo','Marcos','Luiz','Felipe','Gustavo','Thiago',
  'Aline','Patrícia','Letícia','Amanda','Bianca','Daniel','Diego','Eduardo','Francisca','Antônia','Rodrigo',
  'Vitória','Sofia','Helena','Miguel','Arthur','Heitor','Bernardo']`

const surnames = `ARRAY['Silva','Santos','Oliveira','Souza','Rodrigues','Ferreira','Alves','Pereira']`

const domains = `ARRAY['gmail.com','hotmail.com','yahoo.com.br','outlook.com','uol.com.br','bol.com.br']`

const dddCodes = `ARRAY['11','21','31','41','51','61','71','81','85','92']`

const bioPhrases = `ARRAY['Prefere contato por WhatsApp no período da tarde.',
  'Cliente fiel, compra todo mês produtos de higiene e limpeza.',
  'Solicitou troca de um item com defeito; resolvido pelo suporte.',
  'Mora em apartamento, entregas apenas com porteiro presente.',
  'Interessada em promoções de eletrônicos e livros infantis.',
  'Reclamou de atraso na entrega em dezembro, recebeu cupom.',
  'Usa o aplicativo no celular e paga com PIX quase sempre.',
  'Participa do programa de pontos desde o lançamento.']`

const topics = `ARRAY['newsletter','promocoes','pedidos','entregas','black-friday','livros','eletronicos',
  'moda','casa','esportes','pesquisa','parceiros']`

func incidentData(users int) []string {
	n := int64(users)
	return []string{
		fmt.Sprintf(`INSERT INTO users
SELECT g,
  (%[1]s)[1 + (g * 7) %% 40],
  (%[2]s)[1 + (g / 3) %% 8] || ' ' || lpad(to_hex(('x' || substr(md5(g::text), 1, 8))::bit(32)::bigint %% %[9]d), 5, '0'),
  translate((%[1]s)[1 + (g * 7) %% 40], 'ãáâéêíóôõúçÂÁÉÍÓÚ', 'aaaeeioooucAAEIOU') || '.' || (%[2]s)[1 + (g / 3) %% 8] || g || '@' || (%[3]s)[1 + g %% 6],
  %[4]s,
  '+55 ' || (%[5]s)[1 + g %% 10] || ' 9' || substr(%[6]s, 1, 4) || '-' || substr(%[6]s, 5, 4),
  date '1950-01-01' + (g * 37 %% 20000)::int,
  timestamptz '2018-01-01' + g * interval '97 seconds',
  jsonb_build_object(
    'phone', CASE WHEN g %% 2 = 0 THEN '+55' || (%[5]s)[1 + g %% 10] || '9' || %[6]s
                  ELSE '(' || (%[5]s)[1 + (g + 3) %% 10] || ') 3' || substr(%[7]s, 2, 3) || '-' || substr(%[7]s, 5, 4) END,
    'recovery_email', lower(translate((%[1]s)[1 + (g * 7) %% 40], 'ãáâéêíóôõúçÂÁÉÍÓÚ', 'aaaeeioooucAAEIOU')) || '_' || substr(md5(g::text), 6, 6) || '@' || (%[3]s)[1 + (g + 2) %% 6],
    'city', (ARRAY['São Paulo','Rio de Janeiro','Belo Horizonte','Curitiba','Porto Alegre','Brasília','Salvador','Recife','Fortaleza','Manaus'])[1 + g %% 10],
    'newsletter', g %% 3 = 0,
    'locale', 'pt-BR',
    'tags', jsonb_build_array((ARRAY['vip','novo','atacado','app'])[1 + g %% 4], 'loyalty-' || g %% 5)),
  CASE WHEN g %% 10 < 3 THEN NULL
       ELSE 'Cliente desde ' || (2018 + g %% 7) || '. ' || (%[8]s)[1 + g %% 8] || ' ' || (%[8]s)[1 + (g / 8) %% 8] END
FROM generate_series(1::bigint, %[9]d) g`,
			firstNames, surnames, domains, nationalID("g"), dddCodes, mobileDigits("g"), mobileDigits("g + 50000000"), bioPhrases, n),
		// 40% of guests are users buying without an account: same national ID
		// (and mostly the same email), no foreign key.
		fmt.Sprintf(`INSERT INTO guest_purchases
SELECT g,
  CASE WHEN g %% 5 < 2 THEN %[1]s ELSE %[2]s END,
  CASE WHEN g %% 5 < 2 THEN lower(translate((%[3]s)[1 + (u * 7) %% 40], 'ãáâéêíóôõúçÂÁÉÍÓÚ', 'aaaeeioooucAAEIOU') || '.' || (%[4]s)[1 + (u / 3) %% 8] || u || '@' || (%[5]s)[1 + u %% 6])
       WHEN g %% 5 = 4 THEN NULL
       ELSE 'comprador' || g || '@' || (%[5]s)[1 + g %% 6] END,
  ((g * 7919) %% 50000) / 100.0 + 5,
  timestamptz '2020-01-01' + g * interval '131 seconds'
FROM generate_series(1::bigint, %[6]d) g, LATERAL (SELECT 1 + (g * 13) %% %[7]d AS u) x`,
			nationalID("u"), nationalID(fmt.Sprintf("%d + g", 10*n)), firstNames, surnames, domains, n/2, n),
		fmt.Sprintf(`INSERT INTO orders
SELECT g, 1 + (g * 7919) %% %[1]d, ((g * 104729) %% 200000) / 100.0 + 1, (g %% 4) * 9.9,
  (ARRAY['pending','paid','shipped','delivered','cancelled','refunded'])[1 + (g * 3) %% 6],
  timestamptz '2019-01-01' + g * interval '53 seconds',
  CASE WHEN g %% 6 IN (2, 3) THEN timestamptz '2019-01-03' + g * interval '53 seconds' END
FROM generate_series(1::bigint, %[2]d) g`, n, 2*n),
		fmt.Sprintf(`INSERT INTO subscriptions
SELECT g, 1 + g %% %[2]d, (%[1]s)[1 + ((g / %[2]d) * 5 + (g %% %[2]d) %% 5) %% 12], g %% 7 <> 0,
  timestamptz '2020-06-01' + g * interval '41 seconds'
FROM generate_series(0::bigint, %[3]d - 1) g`, topics, n, 23*n/10),
	}
}

// incidentPostData is what a real application carries: keys, unique
// constraints (lower(email) as an expression index), foreign keys, lookups.
var incidentPostData = [][]string{{
	`ALTER TABLE users ADD PRIMARY KEY (id)`,
	`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`,
	`ALTER TABLE users ADD CONSTRAINT users_national_id_key UNIQUE (national_id)`,
	`ALTER TABLE users ADD CONSTRAINT users_phone_key UNIQUE (phone)`,
	`CREATE INDEX users_last_name_idx ON users (last_name, first_name)`,
}, {
	`ALTER TABLE orders ADD PRIMARY KEY (id)`,
	`CREATE INDEX orders_user_id_idx ON orders (user_id)`,
	`CREATE INDEX orders_status_created_idx ON orders (status, created_at)`,
}, {
	`ALTER TABLE subscriptions ADD PRIMARY KEY (id)`,
	`ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_user_topic_key UNIQUE (user_id, topic)`,
}, {
	`ALTER TABLE guest_purchases ADD PRIMARY KEY (id)`,
	`CREATE INDEX guest_purchases_national_id_idx ON guest_purchases (national_id)`,
	`CREATE INDEX guest_purchases_email_idx ON guest_purchases (lower(email))`,
}}

var incidentFKs = []string{
	`ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)`,
	`ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)`,
}

// BuildIncident fills an empty database with the incident shape for the given
// number of users (see Incident), using server-side generate_series: a
// million users take a few minutes on two cores. Tests call it on their own
// small database.
func BuildIncident(ctx context.Context, dbURL string, users int) error {
	if err := Exec(ctx, dbURL, incidentSchema); err != nil {
		return fmt.Errorf("incident benchmark database: create tables: %w", err)
	}
	if err := parallel(ctx, dbURL, wrap(incidentData(users))); err != nil {
		return fmt.Errorf("incident benchmark database: fill tables: %w", err)
	}
	if err := parallel(ctx, dbURL, incidentPostData); err != nil {
		return fmt.Errorf("incident benchmark database: build indexes and constraints: %w", err)
	}
	if err := parallel(ctx, dbURL, wrap(incidentFKs)); err != nil {
		return fmt.Errorf("incident benchmark database: add foreign keys: %w", err)
	}
	if err := Exec(ctx, dbURL, "VACUUM (ANALYZE)"); err != nil {
		return fmt.Errorf("incident benchmark database: vacuum and analyze: %w", err)
	}
	return nil
}

func wrap(stmts []string) [][]string {
	out := make([][]string, len(stmts))
	for i, s := range stmts {
		out[i] = []string{s}
	}
	return out
}

// parallel runs each group of statements on its own connection, two groups
// at a time, the statements of a group in order.
func parallel(ctx context.Context, dbURL string, groups [][]string) error {
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, g := range groups {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			err := Exec(ctx, dbURL, "SET maintenance_work_mem = '256MB'; SET synchronous_commit = off; "+strings.Join(g, "; "))
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("%.60s…: %w", g[0], err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
