package mask

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"math/bits"
	"sync"
)

// MinSecretLen is the shortest masking secret New accepts, in bytes.
const MinSecretLen = 16

// Masker holds the masking key and builds transformers from rules. A Masker
// is safe for concurrent use, and so is every Transformer and TableMasker it
// builds.
type Masker struct {
	root   [32]byte
	random bool

	mu   sync.Mutex
	keys map[string]*keyed
}

// New returns a Masker whose output is a deterministic function of secret:
// two Maskers with the same secret mask every value the same way, in every
// table, column and run; another secret gives other outputs. The secret must
// be at least MinSecretLen bytes.
func New(secret []byte) (*Masker, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("the masking secret is %d bytes long; it must be at least %d bytes "+
			"(set DBTWIN_SECRET to a long random string, e.g. the output of `openssl rand -hex 32`, "+
			"or mask with --random)", len(secret), MinSecretLen)
	}
	m := &Masker{keys: map[string]*keyed{}}
	mac := hmac.New(sha256.New, []byte("dbtwin masking key v1"))
	mac.Write(secret)
	mac.Sum(m.root[:0])
	return m, nil
}

// NewRandom returns a Masker keyed with a fresh random key: outputs are still
// consistent within the Masker's lifetime (joins and duplicates hold across
// tables) but differ from run to run (--random).
func NewRandom() *Masker {
	m := &Masker{keys: map[string]*keyed{}, random: true}
	rand.Read(m.root[:]) // never fails (crypto/rand.Read panics instead)
	return m
}

// Random reports whether the Masker uses a per-run random key.
func (m *Masker) Random() bool { return m.random }

// derive returns HMAC-SHA256(root, label || 0 || kind).
func (m *Masker) derive(label, kind string) [32]byte {
	mac := hmac.New(sha256.New, m.root[:])
	mac.Write([]byte(label))
	mac.Write([]byte{0})
	mac.Write([]byte(kind))
	var out [32]byte
	mac.Sum(out[:0])
	return out
}

// keyed is the key material of one kind: a transformer name plus every
// parameter that changes its output. Values are keyed as
// HMAC-SHA256(K_kind, normalize(value)) and enciphered with FF1 under an
// AES-128 key derived from the same kind.
type keyed struct {
	kind string
	pool sync.Pool // of *macState keyed with K_kind
	ff   *ff1
}

// macState is a pooled HMAC with its output buffer (kept off the stack:
// hash.Hash's methods would move it to the heap on every call).
type macState struct {
	h   hash.Hash
	out [32]byte
}

// keyed returns (and caches) the key material for kind.
func (m *Masker) keyed(kind string) *keyed {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k := m.keys[kind]; k != nil {
		return k
	}
	macKey := m.derive("hmac", kind)
	ffKey := m.derive("ff1", kind)
	f, err := newFF1(ffKey[:16]) // AES-128: FF1's rounds are latency-bound
	if err != nil {
		panic(err) // unreachable: a 16-byte key is always valid for AES
	}
	k := &keyed{kind: kind, ff: f}
	k.pool.New = func() any { return &macState{h: hmac.New(sha256.New, macKey[:])} }
	m.keys[kind] = k
	return k
}

// sum returns HMAC(K_kind, parts...).
func (k *keyed) sum(parts ...[]byte) [32]byte {
	st := k.pool.Get().(*macState)
	st.h.Reset()
	for _, p := range parts {
		st.h.Write(p)
	}
	st.h.Sum(st.out[:0])
	out := st.out
	k.pool.Put(st)
	return out
}

// sum1 is sum for a single part, without the variadic slice.
func (k *keyed) sum1(p []byte) [32]byte {
	st := k.pool.Get().(*macState)
	st.h.Reset()
	st.h.Write(p)
	st.h.Sum(st.out[:0])
	out := st.out
	k.pool.Put(st)
	return out
}

// stream is a deterministic sequence of pseudo-random numbers drawn from one
// HMAC output (and, when that runs out, from further HMAC blocks).
type stream struct {
	k    *keyed
	seed [32]byte
	buf  [32]byte
	pos  int
	ctr  uint32
}

func newStream(k *keyed, h [32]byte) *stream {
	return &stream{k: k, seed: h, buf: h}
}

// next returns the next 64 pseudo-random bits.
func (s *stream) next() uint64 {
	if s.pos+8 > len(s.buf) {
		s.ctr++
		var c [4]byte
		binary.BigEndian.PutUint32(c[:], s.ctr)
		s.buf = s.k.sum(s.seed[:], c[:])
		s.pos = 0
	}
	v := binary.LittleEndian.Uint64(s.buf[s.pos:])
	s.pos += 8
	return v
}

// intn returns a number in [0, n) (n > 0), with negligible bias.
func (s *stream) intn(n int) int {
	return pick(s.next(), n)
}

// pick maps 64 random bits to [0, n) with negligible bias (n < 2^32).
func pick(r uint64, n int) int {
	hi, _ := bits.Mul64(r, uint64(n))
	return int(hi)
}

// Digest returns a keyed digest of value after normalization by class (see
// Normalize). The leak scan compares digests of source and target values
// without keeping either: equal digests mean equal normalized values.
func (m *Masker) Digest(class string, value []byte) [16]byte {
	switch class {
	case NormDigits, NormPhone:
		class = NormDigits
	case NormExact:
	default:
		class = NormText
	}
	k := m.keyed("digest\x00" + class)
	h := k.sum1(Normalize(class, value))
	var out [16]byte
	copy(out[:], h[:16])
	return out
}
