package mask

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// phone, ip and uuid.

type phoneT struct {
	k          *keyed
	keepCC     bool
	keepPrefix int
	format     string
}

func buildPhone(b *builder) (Transformer, error) {
	t := &phoneT{k: b.keyed(), keepCC: b.p.bool("keep_country_code"), keepPrefix: b.p.int("keep_prefix"),
		format: b.p.str("format")}
	if t.keepPrefix < 0 {
		return nil, b.errorf("keep_prefix must be 0 or more, got %d", t.keepPrefix)
	}
	if t.format != "" {
		if b.col.Unique {
			return nil, b.notUnique("with format: writes numbers from a pattern", "drop `format:` to keep numbers distinct")
		}
		if !strings.Contains(t.format, "#") {
			return nil, b.errorf("format %q has no # (one per digit)", t.format)
		}
		if !b.isTextColumn() && strings.Trim(t.format, "#0123456789") != "" {
			return nil, b.errorf("format %q has characters other than digits, which %s cannot hold", t.format, b.where())
		}
		if err := b.fitsLen(utf8.RuneCountInString(t.format), fmt.Sprintf("its output (format %q)", t.format)); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Mask enciphers a phone number's digits in place, or writes format.
func (t *phoneT) Mask(v []byte) ([]byte, error) {
	if t.format != "" {
		s := newStream(t.k, t.k.sum1(digitsOnly(v)))
		out := []byte(t.format)
		for i, c := range out {
			if c == '#' {
				out[i] = byte('0' + s.intn(10))
			}
		}
		return out, nil
	}
	out := append([]byte(nil), v...)
	pos := make([]int, 0, len(v))
	for i, c := range out {
		if c >= '0' && c <= '9' {
			pos = append(pos, i)
		}
	}
	n := len(pos)
	if n == 0 {
		return out, nil
	}
	ds := make([]byte, n)
	for j, i := range pos {
		ds[j] = out[i]
	}
	t.perm(ds)
	for j, i := range pos {
		out[i] = ds[j]
	}
	return out, nil
}

// perm enciphers a phone number's digits in place. What is kept (00 or
// trunk 0, country code, keep_prefix digits) is decided by the kept digits
// and the digit count only, so the map stays injective.
func (t *phoneT) perm(ds []byte) {
	n := len(ds)
	kept, free := 0, false
	if t.keepCC {
		switch {
		case n >= 2 && ds[0] == '0' && ds[1] == '0':
			kept, free = 2, true
			if n >= 9 {
				kept += callingCodeLen(ds[2:])
			}
		case ds[0] == '0':
			kept = 1 // trunk prefix; the rest keeps a non-zero first digit
		case n >= 9:
			kept, free = callingCodeLen(ds), true
		}
	}
	if t.keepPrefix > 0 {
		kept, free = kept+t.keepPrefix, true
	}
	kept = min(kept, n)
	tw := append([]byte("p"), ds[:kept]...)
	if free {
		t.k.permFreeDigits(ds[kept:], tw)
	} else {
		t.k.permDigits(ds[kept:], tw)
	}
}

// callingCodeLen returns the length of the ITU-T E.164 country calling code
// at the start of ds (1 to 3 digits).
func callingCodeLen(ds []byte) int {
	if len(ds) < 2 {
		return len(ds)
	}
	a, b := ds[0], ds[1]
	switch a {
	case '1', '7':
		return 1
	case '2':
		if b == '0' || b == '7' {
			return 2
		}
	case '3':
		if strings.IndexByte("0123469", b) >= 0 {
			return 2
		}
	case '4':
		if b != '2' {
			return 2
		}
	case '5':
		if b >= '1' && b <= '8' {
			return 2
		}
	case '6':
		if b <= '6' {
			return 2
		}
	case '8':
		if b == '1' || b == '2' || b == '4' || b == '6' {
			return 2
		}
	case '9':
		if b <= '5' || b == '8' {
			return 2
		}
	}
	return min(3, len(ds))
}

type ipT struct {
	k          *keyed
	prefixBits int
	cidr       bool // cidr column: host bits are zero and stay zero
	maxLen     int
}

func buildIP(b *builder) (Transformer, error) {
	t := &ipT{k: b.keyed(), prefixBits: b.p.int("prefix_bits"), maxLen: b.maxLen(),
		cidr: strings.EqualFold(strings.TrimSpace(b.col.Column.Type), "cidr")}
	if t.prefixBits < 0 || t.prefixBits > 128 {
		return nil, b.errorf("prefix_bits must be between 0 and 128, got %d", t.prefixBits)
	}
	return t, nil
}

// Mask permutes an IP address within its version (after prefix_bits); text
// that is not an address is enciphered instead.
func (t *ipT) Mask(v []byte) ([]byte, error) {
	tv := splitText(v)
	s := tv.norm
	suffix := ""
	if i := strings.IndexAny(s, "/%"); i >= 0 {
		s, suffix = s[:i], s[i:]
	}
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return tv.finish(t.k.fpeString(tv.norm, []byte("not-ip"), maskAll)), nil
	}
	mapped := addr.Is4In6()
	a := addr.Unmap()
	total := a.BitLen()
	end := total
	if t.cidr && strings.HasPrefix(suffix, "/") {
		if l, err := strconv.Atoi(suffix[1:]); err == nil && l >= 0 && l <= total {
			end = l
		}
	}
	keep := min(t.prefixBits, end)
	var out netip.Addr
	if a.Is4() {
		b4 := a.As4()
		x := uint64(binary.BigEndian.Uint32(b4[:]))
		x = t.permBits(x, 32, keep, end)
		binary.BigEndian.PutUint32(b4[:], uint32(x))
		out = netip.AddrFrom4(b4)
		if mapped {
			out = netip.AddrFrom16(out.As16())
		}
	} else {
		b16 := a.As16()
		t.permBits128(&b16, keep, end)
		out = netip.AddrFrom16(b16)
	}
	res := out.String() + suffix
	if t.maxLen > 0 && utf8.RuneCountInString(tv.lead+res+tv.trail) > t.maxLen {
		return nil, fmt.Errorf("ip: the masked address %s is longer than the column's %d characters "+
			"(an IPv6 address is written in full form); widen the column or use another transformer", res, t.maxLen)
	}
	return tv.finish(res), nil
}

// permBits permutes bits [keep, end) of an IPv4 address (bit 0 = the most
// significant), keyed by the kept bits.
func (t *ipT) permBits(x uint64, total, keep, end int) uint64 {
	w := end - keep
	if w <= 0 {
		return x
	}
	shift := total - end
	mid := (x >> shift) & (1<<w - 1)
	var tw [12]byte
	binary.BigEndian.PutUint64(tw[:8], x>>(total-keep))
	tw[8], tw[9], tw[10] = 4, byte(keep), byte(end)
	mid = t.k.rangePerm(tw[:11], 1<<w, mid)
	return x&^((1<<w-1)<<shift) | mid<<shift
}

// permBits128 permutes bits [keep, end) of an IPv6 address.
func (t *ipT) permBits128(b *[16]byte, keep, end int) {
	w := end - keep
	if w <= 0 {
		return
	}
	if keep == 0 && end == 128 {
		t.k.ff.block.Encrypt(b[:], b[:]) // AES: a permutation of 128-bit blocks
		return
	}
	tw := []byte{6, byte(keep), byte(end)}
	for i := 0; i < keep; i++ {
		tw = append(tw, bitAt(b, i))
	}
	x := make([]uint16, w)
	for i := range x {
		x[i] = uint16(bitAt(b, keep+i))
	}
	if w == 1 {
		x[0] = uint16(t.k.rangePerm(tw, 2, uint64(x[0])))
	} else {
		_ = t.k.ff.encrypt(2, tw, x)
	}
	for i, bit := range x {
		pos := keep + i
		b[pos/8] = b[pos/8]&^(0x80>>(pos%8)) | byte(bit)<<7>>(pos%8)
	}
}

func bitAt(b *[16]byte, i int) byte { return b[i/8] >> (7 - i%8) & 1 }

type uuidT struct{ k *keyed }

func buildUUID(b *builder) (Transformer, error) { return &uuidT{k: b.keyed()}, nil }

// Mask enciphers the 30 hex digits of a UUID that are neither the version
// nor the variant nibble, with FF1 over radix 16, in the original layout
// (hyphens, braces, urn:uuid: prefix, upper or lower case).
func (t *uuidT) Mask(v []byte) ([]byte, error) {
	lo, hi := 0, len(v)
	for lo < hi && isSpaceByte(v[lo]) {
		lo++
	}
	for hi > lo && isSpaceByte(v[hi-1]) {
		hi--
	}
	core := v[lo:hi]
	start := 0
	if len(core) >= 9 && strings.EqualFold(string(core[:9]), "urn:uuid:") {
		start = 9
	}
	var pos [32]int
	n, upper, lowerSeen := 0, false, false
	for i := start; i < len(core); i++ {
		c := core[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
			if n == 32 {
				return t.fallback(v)
			}
			upper = upper || c >= 'A' && c <= 'F'
			lowerSeen = lowerSeen || c >= 'a' && c <= 'f'
			pos[n] = lo + i
			n++
		case c == '-' || (c == '{' && i == start) || (c == '}' && i == len(core)-1):
		default:
			return t.fallback(v)
		}
	}
	if n != 32 {
		return t.fallback(v)
	}
	var x [30]uint16
	j := 0
	for i := 0; i < 32; i++ {
		if i != 12 && i != 16 {
			x[j] = hexVal(v[pos[i]])
			j++
		}
	}
	tw := [3]byte{'u', byte(hexVal(v[pos[12]])), byte(hexVal(v[pos[16]]))}
	_ = t.k.ff.encrypt(16, tw[:], x[:])
	// Hex digits and letters trade places, so the case goes back by class.
	digits := "0123456789abcdef"
	if upper && !lowerSeen {
		digits = "0123456789ABCDEF"
	}
	out := append([]byte(nil), v...)
	j = 0
	for i := 0; i < 32; i++ {
		if i != 12 && i != 16 {
			out[pos[i]] = digits[x[j]]
			j++
		}
	}
	return out, nil
}

func (t *uuidT) fallback(v []byte) ([]byte, error) {
	tv := splitText(v)
	return tv.finish(t.k.fpeString(tv.norm, []byte("not-uuid"), maskAll)), nil
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func hexVal(c byte) uint16 {
	switch {
	case c <= '9':
		return uint16(c - '0')
	case c >= 'a':
		return uint16(c-'a') + 10
	}
	return uint16(c-'A') + 10
}
