-- PostgreSQL: a foreign key declared on a partitioned table, and one that
-- points at a partitioned table.
CREATE TABLE customer (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE event (
    id          int NOT NULL,
    day         date NOT NULL,
    customer_id int REFERENCES customer (id),
    PRIMARY KEY (id, day)
) PARTITION BY RANGE (day);
CREATE TABLE event_2023 PARTITION OF event FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE event_2024 PARTITION OF event FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE event_note (
    id        int PRIMARY KEY,
    event_id  int NOT NULL,
    event_day date NOT NULL,
    body      text,
    FOREIGN KEY (event_id, event_day) REFERENCES event (id, day)
);
INSERT INTO customer SELECT i, 'customer ' || i FROM generate_series(1, 100) i;
INSERT INTO event SELECT i, date '2023-06-01' + (i % 400), CASE WHEN i % 10 = 0 THEN NULL ELSE i % 100 + 1 END
  FROM generate_series(1, 2000) i;
INSERT INTO event_note SELECT i, i * 5, date '2023-06-01' + ((i * 5) % 400), 'note ' || i FROM generate_series(1, 300) i;
