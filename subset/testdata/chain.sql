-- A self-reference chain 1,000 deep: node i points at node i-1.
CREATE TABLE node (
    id        INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES node (id),
    label     TEXT NOT NULL
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO node SELECT i, CASE WHEN i = 1 THEN NULL ELSE i - 1 END, 'node ' || i FROM n;

-- Tags hang off every 100th node.
CREATE TABLE tag (
    id      INTEGER PRIMARY KEY,
    node_id INTEGER NOT NULL REFERENCES node (id),
    name    TEXT
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO tag SELECT i, ((i + 1) / 2) * 100, 'tag ' || i FROM n;
