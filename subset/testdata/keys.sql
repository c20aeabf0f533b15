-- Composite keys, a reference to a unique non-primary column, and tables
-- without a primary key.
CREATE TABLE region (
    country TEXT NOT NULL,
    code    TEXT NOT NULL,
    name    TEXT,
    PRIMARY KEY (country, code)
);
CREATE TABLE city (
    id          INTEGER PRIMARY KEY,
    name        TEXT,
    country     TEXT,
    region_code TEXT,
    FOREIGN KEY (country, region_code) REFERENCES region (country, code)
);
CREATE TABLE account (
    id        INTEGER PRIMARY KEY,
    email     TEXT NOT NULL UNIQUE,
    home_city INTEGER REFERENCES city (id)
);
-- No primary key; references two tables, one through the unique email.
CREATE TABLE visit (
    city_id       INTEGER REFERENCES city (id),
    account_email TEXT REFERENCES account (email),
    note          TEXT
);
-- No key and no relation at all.
CREATE TABLE lonely (code TEXT, qty INTEGER);

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO region SELECT CASE WHEN i % 2 = 0 THEN 'FR' ELSE 'DE' END, printf('R%02d', i), 'Region ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
INSERT INTO city SELECT i, 'City ' || i,
    CASE WHEN (i % 20) % 2 = 0 THEN 'FR' ELSE 'DE' END,
    CASE WHEN i % 9 = 0 THEN NULL ELSE printf('R%02d', CASE WHEN i % 20 = 0 THEN 20 ELSE i % 20 END) END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO account SELECT i, 'user' || i || '@example.com', CASE WHEN i % 4 = 0 THEN NULL ELSE (i * 3) % 100 + 1 END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO visit SELECT
    CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 7) % 100 + 1 END,
    CASE WHEN i % 17 = 0 THEN NULL ELSE 'user' || ((i * 11) % 300 + 1) || '@example.com' END,
    CASE WHEN i % 50 = 0 THEN 'dup' ELSE 'visit ' || i END FROM n;
-- Exact duplicate rows in a table without a key.
INSERT INTO visit VALUES (5, 'user5@example.com', 'twice'), (5, 'user5@example.com', 'twice');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
INSERT INTO lonely SELECT 'L' || i, i FROM n;
