-- One parent with very many children; :children is replaced by the test.
CREATE TABLE shop (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE sale (id INTEGER PRIMARY KEY, shop_id INTEGER NOT NULL REFERENCES shop (id), amount INTEGER);
CREATE TABLE sale_note (id INTEGER PRIMARY KEY, sale_id INTEGER NOT NULL REFERENCES sale (id), body TEXT);
INSERT INTO shop VALUES (1, 'big'), (2, 'small'), (3, 'none');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :children)
INSERT INTO sale SELECT i, 1, i % 1000 FROM n;
INSERT INTO sale VALUES (-1, 2, 10), (-2, 2, 20), (-3, 2, 30);
INSERT INTO sale_note SELECT id, id, 'note' FROM sale WHERE id % 1000 = 0 OR id < 0;
