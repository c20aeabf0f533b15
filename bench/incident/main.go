// Command incident builds (or finds) the shared incident-shaped benchmark
// database and prints its URL, row counts and size.
//
//	go run ./bench/incident              # 1,000,000 users, about 1.1 GB
//	go run ./bench/incident -users 20000 # a small copy for quick runs
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbtwin/dbtwin/bench/internal/benchdb"
)

func main() {
	users := flag.Int("users", benchdb.IncidentUsers, "number of users (the other tables scale with it)")
	flag.Parse()
	ctx := context.Background()
	start := time.Now()
	dbURL, err := benchdb.IncidentScaled(ctx, benchdb.AdminURL(), *users)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/incident:", err)
		os.Exit(1)
	}
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/incident:", err)
		os.Exit(1)
	}
	defer c.Close(ctx)
	var size string
	var bytes int64
	_ = c.QueryRow(ctx, "SELECT pg_size_pretty(pg_database_size(current_database())), pg_database_size(current_database())").Scan(&size, &bytes)
	fmt.Printf("%s\nready in %s, %s (%d bytes)\n", dbURL, time.Since(start).Round(time.Second), size, bytes)
	for t, n := range benchdb.IncidentRows(*users) {
		fmt.Printf("  %-16s %9d rows\n", t, n)
	}
}
