// Package pipeline moves rows from a source snapshot into a target:
//
//	Snapshot.Read ──► filter (subset) ──► transform (masking) ──► Target.Write
//
// One Job per table. Jobs run on a bounded number of workers; each streams
// with bounded memory (the engines stream through pipes). When a job has no
// filter and no transform, the source's rows reach the target untouched, so
// an engine can move its bulk format without decoding (PostgreSQL COPY text).
// Progress is reported through the Progress interface; cancellation through
// the context: the first failure cancels every other job.
package pipeline
