package mysql

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

func TestInspect(t *testing.T) {
	u := dbtest.MySQL(t)
	dbtest.MySQLExec(t, u, `
CREATE TABLE parent (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, code CHAR(3) NOT NULL, region VARCHAR(10) NOT NULL,
  UNIQUE KEY parent_code_region (code, region)) ENGINE=InnoDB;
CREATE TABLE child (
  id BIGINT NOT NULL PRIMARY KEY,
  parent_id INT UNSIGNED NULL,
  email VARCHAR(120) COLLATE utf8mb4_general_ci NOT NULL,
  status ENUM('new','it''s','done') NOT NULL DEFAULT 'new',
  doc JSON NULL,
  amount DECIMAL(12,3) NULL,
  flags BIT(4) NULL,
  ratio FLOAT NULL,
  at DATETIME(3) NULL,
  photo BLOB NULL,
  email_domain VARCHAR(120) AS (SUBSTRING_INDEX(email, '@', -1)) VIRTUAL,
  UNIQUE KEY child_email_prefix (email(10)),
  CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE SET NULL,
  CONSTRAINT amount_positive CHECK (amount >= 0)
) ENGINE=InnoDB;
CREATE VIEW v AS SELECT id FROM child;
`)
	ctx := context.Background()
	s, err := dbtwin.OpenSource(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	schema, err := s.Inspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := schema.TableNames(); fmt.Sprint(got) != "[child parent]" {
		t.Fatalf("tables %v (views are not tables)", got)
	}
	child, parent := schema.Table("child"), schema.Table("parent")
	var cols []string
	for _, c := range child.Columns {
		d := fmt.Sprintf("%s:%s:%s", c.Name, c.Type, c.Kind)
		if c.Generated != "" {
			d += ":generated"
		}
		if c.Precision > 0 {
			d += fmt.Sprintf(":%d,%d", c.Precision, c.Scale)
		}
		if c.MaxLength > 0 {
			d += fmt.Sprintf(":max%d", c.MaxLength)
		}
		if len(c.EnumValues) > 0 {
			d += ":" + strings.Join(c.EnumValues, "|")
		}
		cols = append(cols, d)
	}
	want := "id:bigint(20):int parent_id:int(10) unsigned:int email:varchar(120):text:max120 " +
		"status:enum('new','it''s','done'):enum:new|it's|done doc:longtext:json amount:decimal(12,3):numeric:12,3 " +
		"flags:bit(4):other ratio:float:float at:datetime(3):timestamp photo:blob:bytes " +
		"email_domain:varchar(120):text:generated:max120"
	if got := strings.Join(cols, " "); got != want {
		t.Errorf("columns\n got %s\nwant %s", got, want)
	}
	if parent.PrimaryKey == nil || parent.Column("id").Identity == "" || len(parent.Uniques) != 1 ||
		fmt.Sprint(parent.Uniques[0].Columns) != "[code region]" {
		t.Errorf("parent keys: %+v %+v", parent.PrimaryKey, parent.Uniques)
	}
	if len(child.Uniques) != 1 || fmt.Sprint(child.Uniques[0].Expressions) != "[left(`email`, 10)]" {
		t.Errorf("prefix key: %+v", child.Uniques)
	}
	if len(child.ForeignKeys) != 1 || child.ForeignKeys[0].RefTable != "parent" || child.ForeignKeys[0].OnDelete != "SET NULL" {
		t.Errorf("foreign keys: %+v", child.ForeignKeys)
	}
	if len(child.Checks) != 1 || child.Checks[0].Name != "amount_positive" {
		t.Errorf("checks: %+v %+v", *child.Checks[0], *child.Checks[len(child.Checks)-1])
	}
	if !child.IsSurrogateKey("parent_id") || child.IsUnique("email") == false {
		t.Errorf("surrogate/unique helpers disagree")
	}
}
