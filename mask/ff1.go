package mask

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"math/bits"
	"sync"
)

// ff1 is the FF1 format-preserving encryption mode of NIST SP 800-38G with
// AES as the block cipher: a keyed, tweakable permutation of the numeral
// strings of a given length over a given radix.
//
// The implementation works on the two Feistel halves as numbers. When the
// larger half fits in 64 bits (radix^v < 2^64: up to 38 decimal digits, 26
// letters, 126 bits) the rounds use machine arithmetic; otherwise math/big.
// The tweak-only blocks of the round function's CBC-MAC are computed once per
// call, so each round costs a single AES block for short values.
type ff1 struct {
	block cipher.Block
}

const (
	ff1Rounds   = 10
	ff1MaxRadix = 1 << 16
)

// newFF1 returns FF1 keyed with an AES-128, -192 or -256 key.
func newFF1(key []byte) (*ff1, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("ff1: %w", err)
	}
	return &ff1{block: b}, nil
}

var errFF1Length = errors.New("ff1: the numeral string must have at least 2 digits")

// encrypt enciphers the numeral string x (digits in [0, radix)) in place.
func (f *ff1) encrypt(radix uint32, tweak []byte, x []uint16) error {
	return f.run(radix, tweak, x, false)
}

// decrypt deciphers the numeral string x in place.
func (f *ff1) decrypt(radix uint32, tweak []byte, x []uint16) error {
	return f.run(radix, tweak, x, true)
}

func (f *ff1) run(radix uint32, tweak []byte, x []uint16, dec bool) error {
	n := len(x)
	if radix < 2 || radix > ff1MaxRadix {
		return fmt.Errorf("ff1: radix %d outside [2, %d]", radix, ff1MaxRadix)
	}
	if n < 2 {
		return errFF1Length
	}
	for _, d := range x {
		if uint32(d) >= radix {
			return fmt.Errorf("ff1: digit %d is not below radix %d", d, radix)
		}
	}
	u := n / 2
	v := n - u
	if _, ok := pow64(radix, v); ok {
		a := numU64(x[:u], radix)
		b := numU64(x[u:], radix)
		a, b = f.rounds64(radix, n, tweak, a, b, dec)
		strU64(x[:u], radix, a)
		strU64(x[u:], radix, b)
		return nil
	}
	f.roundsBig(radix, tweak, x, dec)
	return nil
}

// permute64 applies FF1 to a value given as its two halves' numbers: a has u
// = n/2 digits, b has n-u digits, and radix^(n-u) must fit in 64 bits.
func (f *ff1) permute64(radix uint32, n int, tweak []byte, a, b uint64, dec bool) (uint64, uint64) {
	return f.rounds64(radix, n, tweak, a, b, dec)
}

// ff1State holds what the rounds of one call share: P and the CBC-MAC state
// after P and the tweak-only blocks of Q. States are pooled: the cipher's
// interface methods would otherwise move every scratch block to the heap.
type ff1State struct {
	f      *ff1
	q      []byte // the whole Q; its tail is rewritten each round
	fixed  [16]byte
	r      [16]byte
	from   int // first block of q that changes between rounds
	qArray [128]byte
}

var ff1States = sync.Pool{New: func() any { return new(ff1State) }}

func (f *ff1) newState(radix uint32, n, u, t, b int, tweak []byte) *ff1State {
	s := ff1States.Get().(*ff1State)
	s.f = f
	p := s.fixed[:]
	p[0], p[1], p[2] = 1, 2, 1
	p[3], p[4], p[5] = byte(radix>>16), byte(radix>>8), byte(radix)
	p[6] = ff1Rounds
	p[7] = byte(u)
	binary.BigEndian.PutUint32(p[8:], uint32(n))
	binary.BigEndian.PutUint32(p[12:], uint32(t))
	f.block.Encrypt(s.fixed[:], s.fixed[:])
	pad := ((-t-b-1)%16 + 16) % 16
	ql := t + pad + 1 + b
	if ql <= len(s.qArray) {
		s.q = s.qArray[:ql]
	} else {
		s.q = make([]byte, ql)
	}
	copy(s.q, tweak)
	clear(s.q[t:])
	s.from = (ql - 1 - b) / 16
	for i := 0; i < s.from; i++ {
		subtle16(s.fixed[:], s.q[16*i:16*i+16])
		f.block.Encrypt(s.fixed[:], s.fixed[:])
	}
	return s
}

func (s *ff1State) release() {
	s.f = nil
	s.q = nil
	ff1States.Put(s)
}

// prf sets s.r = PRF(P || Q) for the current tail of Q.
func (s *ff1State) prf() {
	s.r = s.fixed
	for i := s.from; i < len(s.q)/16; i++ {
		subtle16(s.r[:], s.q[16*i:16*i+16])
		s.f.block.Encrypt(s.r[:], s.r[:])
	}
}

func subtle16(dst, src []byte) {
	x := binary.LittleEndian.Uint64(dst) ^ binary.LittleEndian.Uint64(src)
	y := binary.LittleEndian.Uint64(dst[8:]) ^ binary.LittleEndian.Uint64(src[8:])
	binary.LittleEndian.PutUint64(dst, x)
	binary.LittleEndian.PutUint64(dst[8:], y)
}

// ceilBits returns ceil(v * log2(radix)) computed exactly: the bit length of
// radix^v - 1.
func ceilBits(radix uint32, v int) int {
	if p, ok := pow64(radix, v); ok {
		return bits.Len64(p - 1)
	}
	p := new(big.Int).Exp(big.NewInt(int64(radix)), big.NewInt(int64(v)), nil)
	return p.Sub(p, big.NewInt(1)).BitLen()
}

func (f *ff1) rounds64(radix uint32, n int, tweak []byte, a, b uint64, dec bool) (uint64, uint64) {
	u := n / 2
	v := n - u
	mu, _ := pow64(radix, u)
	mv, _ := pow64(radix, v)
	bl := (ceilBits(radix, v) + 7) / 8
	d := 4*((bl+3)/4) + 4 // at most 12 here, since bl <= 8
	st := f.newState(radix, n, u, len(tweak), bl, tweak)
	defer st.release()
	tail := st.q[len(st.q)-1-bl:]
	for k := 0; k < ff1Rounds; k++ {
		i := k
		if dec {
			i = ff1Rounds - 1 - k
		}
		m := mu
		if i%2 == 1 {
			m = mv
		}
		src := b // the half fed to the round function
		if dec {
			src = a
		}
		tail[0] = byte(i)
		for j := bl; j >= 1; j-- {
			tail[j] = byte(src)
			src >>= 8
		}
		st.prf()
		y := remBytes(st.r[:d], m)
		if !dec {
			c, carry := bits.Add64(a, y, 0)
			if carry != 0 || c >= m {
				c -= m
			}
			a, b = b, c
		} else {
			c := b - y
			if b < y {
				c = m - (y - b)
			}
			b, a = a, c
		}
	}
	return a, b
}

// remBytes returns the big-endian number in s modulo m.
func remBytes(s []byte, m uint64) uint64 {
	var r uint64
	head := len(s) % 8
	if head > 0 {
		var x uint64
		for _, c := range s[:head] {
			x = x<<8 | uint64(c)
		}
		r = x % m
		s = s[head:]
	}
	for len(s) >= 8 {
		r = bits.Rem64(r, binary.BigEndian.Uint64(s), m)
		s = s[8:]
	}
	return r
}

func (f *ff1) roundsBig(radix uint32, tweak []byte, x []uint16, dec bool) {
	n := len(x)
	u := n / 2
	v := n - u
	br := big.NewInt(int64(radix))
	mu := new(big.Int).Exp(br, big.NewInt(int64(u)), nil)
	mv := new(big.Int).Exp(br, big.NewInt(int64(v)), nil)
	a := numBig(x[:u], br)
	b := numBig(x[u:], br)
	bl := (ceilBits(radix, v) + 7) / 8
	d := 4*((bl+3)/4) + 4
	st := f.newState(radix, n, u, len(tweak), bl, tweak)
	defer st.release()
	tail := st.q[len(st.q)-1-bl:]
	sbuf := make([]byte, (d+15)/16*16)
	blk := make([]byte, 16)
	y, c := new(big.Int), new(big.Int)
	for k := 0; k < ff1Rounds; k++ {
		i := k
		if dec {
			i = ff1Rounds - 1 - k
		}
		m := mu
		if i%2 == 1 {
			m = mv
		}
		src := b
		if dec {
			src = a
		}
		tail[0] = byte(i)
		src.FillBytes(tail[1:])
		st.prf()
		copy(sbuf, st.r[:])
		for j := 1; j < len(sbuf)/16; j++ {
			clear(blk)
			binary.BigEndian.PutUint64(blk[8:], uint64(j))
			subtle16(blk, st.r[:])
			f.block.Encrypt(sbuf[16*j:], blk)
		}
		y.SetBytes(sbuf[:d])
		if !dec {
			c.Add(a, y)
			c.Mod(c, m)
			a, b, c = b, c, a
		} else {
			c.Sub(b, y)
			c.Mod(c, m)
			b, a, c = a, c, b
		}
	}
	strBig(x[:u], br, a)
	strBig(x[u:], br, b)
}

// pow64 returns radix^k and whether it fits in a uint64.
func pow64(radix uint32, k int) (uint64, bool) {
	p := uint64(1)
	for range k {
		hi, lo := bits.Mul64(p, uint64(radix))
		if hi != 0 {
			return 0, false
		}
		p = lo
	}
	return p, true
}

func numU64(x []uint16, radix uint32) uint64 {
	var n uint64
	for _, d := range x {
		n = n*uint64(radix) + uint64(d)
	}
	return n
}

func strU64(x []uint16, radix uint32, n uint64) {
	r := uint64(radix)
	for i := len(x) - 1; i >= 0; i-- {
		x[i] = uint16(n % r)
		n /= r
	}
}

func numBig(x []uint16, radix *big.Int) *big.Int {
	n := new(big.Int)
	d := new(big.Int)
	for _, c := range x {
		n.Mul(n, radix)
		n.Add(n, d.SetUint64(uint64(c)))
	}
	return n
}

func strBig(x []uint16, radix *big.Int, n *big.Int) {
	q := new(big.Int).Set(n)
	m := new(big.Int)
	for i := len(x) - 1; i >= 0; i-- {
		q.QuoRem(q, radix, m)
		x[i] = uint16(m.Uint64())
	}
}
