-- The incident's shape: guest purchases share national IDs with users, but
-- no foreign key says so.
CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    email       TEXT NOT NULL UNIQUE,
    national_id TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);
CREATE TABLE guest_purchases (
    id          INTEGER PRIMARY KEY,
    national_id TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    bought_at   TEXT
);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), total INTEGER);
CREATE TABLE subscriptions (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    active  INTEGER NOT NULL
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO users SELECT i, 'u' || i || '@example.com', printf('%011d', i * 7919), date('2020-01-01', '+' || i || ' days') FROM n;
-- Two purchases for each even user, as a guest before signing up.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO guest_purchases SELECT i, printf('%011d', (((i + 1) / 2) * 2) * 7919), i % 90 + 10, '2019-06-01' FROM n;
-- 500 purchases by guests who never became users.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO guest_purchases SELECT 1000 + i, printf('9%010d', i), i % 50 + 5, '2019-07-01' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO orders SELECT i, (i - 1) / 3 + 1, i % 200 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO subscriptions SELECT i, i, i % 2 FROM n;
