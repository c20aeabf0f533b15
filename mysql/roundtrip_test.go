package mysql_test

import (
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// handmade holds every kind of value the engine must move exactly.
const handmade = `
SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
CREATE TABLE people (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(120) COLLATE utf8mb4_general_ci NOT NULL,
  nick VARCHAR(40) CHARACTER SET latin1 COLLATE latin1_swedish_ci NULL,
  name_bin VARBINARY(64) NULL,
  photo BLOB NULL,
  note TEXT NULL,
  status ENUM('new','paid','gone') NOT NULL DEFAULT 'new',
  tags SET('a','b','c') NULL,
  flags BIT(10) NULL,
  small TINYINT(3) UNSIGNED ZEROFILL NULL,
  big BIGINT UNSIGNED NULL,
  price DECIMAL(30,10) NULL,
  ratio FLOAT NULL,
  precise DOUBLE NULL,
  born DATE NULL,
  seen DATETIME(6) NULL,
  stamp TIMESTAMP NULL DEFAULT NULL,
  dur TIME(3) NULL,
  yr YEAR NULL,
  doc JSON NULL,
  fixed CHAR(5) NULL,
  pos POINT NULL,
  email_lower VARCHAR(120) AS (LOWER(email)) VIRTUAL,
  email_len INT AS (CHAR_LENGTH(email)) STORED,
  UNIQUE KEY email (email),
  KEY nick_prefix (nick(3)),
  KEY email_lower (email_lower)
) ENGINE=InnoDB AUTO_INCREMENT=1000 DEFAULT CHARSET=utf8mb4;
CREATE TABLE orders (
  id BIGINT NOT NULL PRIMARY KEY,
  person_id INT UNSIGNED NULL,
  total DECIMAL(10,2) NOT NULL,
  CONSTRAINT orders_person FOREIGN KEY (person_id) REFERENCES people (id) ON DELETE CASCADE
) ENGINE=InnoDB;
CREATE TABLE legacy (
  id INT NOT NULL PRIMARY KEY,
  d DATE NOT NULL DEFAULT '0000-00-00',
  dt DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00'
) ENGINE=InnoDB;
CREATE TABLE myisam_notes (id INT PRIMARY KEY, body TEXT) ENGINE=MyISAM;
INSERT INTO people (email, nick, name_bin, photo, note, status, tags, flags, small, big, price, ratio, precise, born, seen, stamp, dur, yr, doc, fixed, pos) VALUES
 ('A@x.com', 'Åsa', X'00FF5C0A09', X'89504E470D0A1A0A00', 'tab\there\nnew line \\ back', 'paid', 'a,c', b'1010101010', 7, 18446744073709551615,
  '12345678901234567890.0123456789', 1.2345678, 0.1, '1999-12-31', '2024-02-29 23:59:59.123456', '2038-01-19 03:14:07', '-838:59:59.000', 2155,
  '{"a": [1, "x\\ty"], "😀": null}', 'ab', ST_GeomFromText('POINT(1.5 -2.25)')),
 ('a2@x.com', '', '', '', '', 'new', '', b'0', 0, 0, '-0.0000000001', -3.4e38, -1.7976931348623157e308, '1000-01-01', '1000-01-01 00:00:00', '1970-01-01 00:00:01', '00:00:00', 1901,
  '[]', '', NULL),
 ('emoji😀@x.com', NULL, NULL, NULL, NULL, 'gone', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO orders VALUES (1, 1000, 9.99), (2, NULL, 0), (3, 1002, -1.5);
INSERT INTO legacy VALUES (1, '0000-00-00', '0000-00-00 00:00:00'), (2, '2020-00-00', '2020-01-00 10:00:00');
INSERT INTO myisam_notes VALUES (1, 'x'), (2, NULL);
CREATE VIEW paid_people AS SELECT p.id, p.email FROM people p WHERE p.status = 'paid';
CREATE VIEW paid_orders AS SELECT o.id, pp.email FROM orders o JOIN paid_people pp ON pp.id = o.person_id;
CREATE FUNCTION add_vat(x DECIMAL(10,2)) RETURNS DECIMAL(10,2) DETERMINISTIC RETURN x * 1.2;
CREATE PROCEDURE count_people(OUT n INT) BEGIN SELECT COUNT(*) INTO n FROM people; END;
CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.total = ROUND(NEW.total, 2);
CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM orders WHERE total < 0;
`

func TestRoundTripHandmade(t *testing.T) {
	t.Parallel()
	src := dbtest.MySQL(t)
	dbtest.MySQLExec(t, src, handmade)
	for _, jobs := range []int{1, 4} {
		dst := dbtest.MySQL(t)
		res := cloneAll(t, src, dst, jobs)
		if !res.Verified {
			t.Fatalf("clone not verified: %v", res.Verification)
		}
		sameDigests(t, src, dst)
		for _, q := range []string{
			"SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()",
			"SELECT GROUP_CONCAT(ROUTINE_NAME ORDER BY ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()",
			"SELECT GROUP_CONCAT(TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()",
			"SELECT GROUP_CONCAT(EVENT_NAME, ':', STATUS) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()",
			"SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people'",
			"SELECT GROUP_CONCAT(INDEX_NAME, ':', COLUMN_NAME, ':', IFNULL(SUB_PART, '') ORDER BY INDEX_NAME, SEQ_IN_INDEX) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()",
			"SELECT GROUP_CONCAT(CONSTRAINT_NAME, ':', DELETE_RULE) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
			"SELECT GROUP_CONCAT(COLUMN_NAME, ' ', COLUMN_TYPE, ' ', IFNULL(COLLATION_NAME, ''), ' ', IFNULL(GENERATION_EXPRESSION, '') ORDER BY TABLE_NAME, ORDINAL_POSITION) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()",
			"SELECT COUNT(*) FROM paid_orders",
		} {
			a, b := dbtest.MySQLQueryString(t, src, q), dbtest.MySQLQueryString(t, dst, q)
			if a != b {
				t.Errorf("jobs=%d: %s\nsource: %s\ntwin:   %s", jobs, q, a, b)
			}
		}
		if got := dbtest.MySQLQueryString(t, dst, "SELECT GROUP_CONCAT(EVENT_NAME, ':', STATUS) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()"); !strings.Contains(got, "DISABLED") {
			t.Errorf("event not disabled in the twin: %s", got)
		}
	}
}
