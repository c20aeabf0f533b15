// Package fidelity measures how closely a twin keeps production's shape,
// from the rows a clone already moves, in bounded memory.
//
// A twin is only useful if code behaves on it as on production: a query plan,
// a deduplication or a "find by last name" depends on how many distinct
// values a column holds, how long they are and how many are NULL, and a join
// depends on how many children each parent has and how many values two tables
// share. Masking can flatten a column (a dictionary of 500 surnames for a
// column with 940,000 distinct ones) and a subset can distort fan-outs; this
// package tells the user by how much.
//
// # What is measured
//
// Per column (production side and twin side): rows, NULLs, empty strings,
// distinct values (exact up to 512, then a HyperLogLog sketch, about 1% error,
// at most 16 KB per column whatever the row count), and the distribution of value lengths in
// bytes (a histogram of 12 power-of-two buckets plus the mean).
//
// Per relation (a declared foreign key, or a link from the config's
// relations:): the share of child rows whose value matches a parent, the
// share of parents that have at least one child, and children per parent
// (p50, p99, max) among parents that have children. These come from a
// hash-sampled set of parent keys: every key whose hash falls under a
// threshold is kept, with its child count, and the threshold halves whenever
// the sample outgrows its cap (8,192 keys), so memory is bounded and the
// sample is the same uniform choice on both sides of the relation.
//
// # Subsets
//
// A subset twin has fewer rows, so raw distinct counts are not comparable.
// The twin's distinct count is compared with the number expected when drawing
// its rows from production's: with N production values of which D are
// distinct (assumed equally frequent) and a twin of n rows, the expectation is
// D·(1−(1−n/N)^(N/D)): n for a unique column, D for a low-cardinality one.
// Because a subset takes rows in clusters (a parent with its children), a
// column tied to the clusters (a foreign key) scales linearly instead, D·n/N;
// a twin anywhere between the two is as expected.
//
// # Tolerances
//
// [Tolerances] say how far off a measure may be before it is reported as
// outside tolerance (relative differences, with a small absolute floor so
// that 0.1% against 0.2% NULLs is not an alarm). The clone warns by default
// and fails when the config says fidelity: {fail: true}.
//
// Nothing here keeps a value: sketches hold hashes and counts only, so a
// report can be published (CI artifacts, HTML reports) without leaking data.
package fidelity
