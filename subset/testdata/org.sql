-- Issue 14, item 12: a department's head is an employee, employees belong
-- to departments (a two-table cycle), employees have managers (a
-- self-reference), and timesheets hang off employees (outside the cycle).
-- 200 departments of 50 employees; each department's head works in the
-- next department (so departments and employees form one big cycle);
-- each department's first employee manages the others.
CREATE TABLE department (id INTEGER PRIMARY KEY, name TEXT, head_id INTEGER REFERENCES employee(id));
CREATE TABLE employee (id INTEGER PRIMARY KEY, department_id INTEGER NOT NULL REFERENCES department(id),
  manager_id INTEGER REFERENCES employee(id), name TEXT);
CREATE TABLE timesheet (id INTEGER PRIMARY KEY, employee_id INTEGER NOT NULL REFERENCES employee(id), hours INTEGER);
WITH RECURSIVE d(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM d WHERE i < 200)
INSERT INTO department SELECT i, 'dept ' || i, (i % 200) * 50 + 1 FROM d;
WITH RECURSIVE e(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM e WHERE i < 10000)
INSERT INTO employee SELECT i, (i - 1) / 50 + 1,
  CASE WHEN (i - 1) % 50 = 0 THEN NULL ELSE ((i - 1) / 50) * 50 + 1 END, 'employee ' || i FROM e;
WITH RECURSIVE t(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM t WHERE i < 30000)
INSERT INTO timesheet SELECT i, (i - 1) % 10000 + 1, 8 FROM t;
