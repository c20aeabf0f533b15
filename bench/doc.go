// Package bench holds dbtwin's benchmarks. Each is a program that builds its
// own data, runs dbtwin and a baseline in the same run, and prints times and
// ratios:
//
//	go run ./bench/clone  [-size-mb 1024] [-jobs 2]   # clone vs pg_dump|pg_restore vs raw COPY
//	go run ./bench/mask   [-rows 1000000]             # masked vs unmasked clone of one table
//	go run ./bench/subset [-rows 5000000]             # 1% subset vs reading the rows once
//	go run ./bench/scan   [-size-mb 1024]             # scan time, rows read, queries
//	go run ./bench/mysql  [-size-mb 600] [-jobs 2]    # MySQL/MariaDB clone vs mysqldump|mysql, mydumper|myloader
//
// They need a PostgreSQL server (DBTWIN_BENCH_POSTGRES_URL, default the local
// one) and create and drop their own databases.
package bench
