-- Several cycles in one strongly connected component: a <-> b, b <-> c and
-- a -> b -> c -> d -> a, all through nullable foreign keys.
CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id), note TEXT);
CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id), c_id INTEGER REFERENCES c (id));
CREATE TABLE c (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id), d_id INTEGER REFERENCES d (id));
CREATE TABLE d (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id), label TEXT);
-- A child of the cycle and a table only the cycle's rows reference.
CREATE TABLE colour (name TEXT PRIMARY KEY);
CREATE TABLE a_colour (a_id INTEGER NOT NULL REFERENCES a (id), colour TEXT NOT NULL REFERENCES colour (name),
                       PRIMARY KEY (a_id, colour));

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO a SELECT i, CASE WHEN i % 10 = 0 THEN NULL ELSE (i * 7) % 300 + 1 END, 'a' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO b SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 13) % 300 + 1 END,
                        CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 17) % 300 + 1 END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO c SELECT i, (i * 19) % 300 + 1, CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 23) % 300 + 1 END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO d SELECT i, (i * 29) % 300 + 1, 'd' || i FROM n;
INSERT INTO colour VALUES ('red'), ('green'), ('blue'), ('unused');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO a_colour SELECT i, CASE i % 3 WHEN 0 THEN 'red' WHEN 1 THEN 'green' ELSE 'blue' END FROM n;
