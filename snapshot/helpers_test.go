package snapshot_test

import (
	"database/sql"

	_ "modernc.org/sqlite" // database/sql driver, to build the example's database
)

func makeExampleDB(path string) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(`CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE task (id INTEGER PRIMARY KEY, team_id INTEGER NOT NULL REFERENCES team(id), title TEXT);
CREATE INDEX task_team ON task(team_id);
INSERT INTO team VALUES (1, 'core');
INSERT INTO task VALUES (1, 1, 'ship snapshots'), (2, 1, NULL);`)
	return err
}
