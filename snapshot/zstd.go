package snapshot

import (
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Encoders and decoders are pooled: each is used by one goroutine at a time
// on whole chunks (EncodeAll/DecodeAll), and tables compress in parallel.
// SpeedBetterCompression (about zstd level 7): 7% smaller than the default
// level on the incident data for little more CPU, well under pg_dump -Fc.
var (
	encoders = sync.Pool{New: func() any {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBetterCompression), zstd.WithEncoderConcurrency(1))
		if err != nil {
			panic(err) // only invalid options fail
		}
		return e
	}}
	decoders = sync.Pool{New: func() any {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30))
		if err != nil {
			panic(err)
		}
		return d
	}}
)
