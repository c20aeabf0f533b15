package scan

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// A lookup keyed by a code whose table name is the referencing column's name
// plus the key's: "country" -> country_area(area).
func TestCountryAreaLookup(t *testing.T) {
	path := dbtest.SQLite(t, "ca.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	script := "CREATE TABLE country_area (area integer PRIMARY KEY, iso_code text);\nCREATE TABLE release_country (id integer PRIMARY KEY, country integer, date_year integer);\n"
	for i := 1; i <= 250; i++ {
		script += fmt.Sprintf("INSERT INTO country_area VALUES (%d, 'C%d');\n", 1000+i*7, i)
	}
	for i := 1; i <= 400; i++ {
		script += fmt.Sprintf("INSERT INTO release_country VALUES (%d, %d, %d);\n", i, 1000+7*(1+(i*37)%250), 1950+i%70)
	}
	if _, err := db.Exec(script); err != nil {
		t.Fatal(err)
	}
	db.Close()
	res, _ := scanURL(t, "sqlite:"+path, Options{})
	for _, r := range res.Relationships {
		if r.From.Table == "release_country" && r.From.Columns[0] == "country" && r.To.Table == "country_area" && r.Level == LevelHigh && r.Kind == "fk" {
			return
		}
	}
	t.Fatalf("release_country(country) -> country_area(area) not found: %+v", res.Relationships)
}
