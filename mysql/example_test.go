package mysql_test

import (
	"fmt"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/mysql"
)

// Config turns a dbtwin URL into go-sql-driver/mysql's configuration, for
// programs that want their own database/sql handle on the same database.
func ExampleConfig() {
	u, err := dbtwin.ParseURL("mariadb://reader:s3cret@db.internal/shop?tls=skip-verify")
	if err != nil {
		panic(err)
	}
	cfg, err := mysql.Config(u)
	if err != nil {
		panic(err)
	}
	fmt.Println(cfg.User, cfg.Net, cfg.Addr, cfg.DBName, cfg.TLSConfig)
	fmt.Println(u.Redacted())
	// Output:
	// reader tcp db.internal:3306 shop skip-verify
	// mariadb://reader:xxxxx@db.internal/shop?tls=skip-verify
}
