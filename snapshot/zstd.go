package snapshot

import (
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Encoders and decoders are pooled: each is used by one goroutine at a time
// on whole chunks (EncodeAll/DecodeAll), and tables compress in parallel.
var (
	encoders = sync.Pool{New: func() any {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
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
