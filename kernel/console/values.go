// This file prints the individual values for format.go: numbers, text,
// byte slices and booleans, with width and padding handled like fmt.
package console

const (
	lowerHex = "0123456789abcdef"
	upperHex = "0123456789ABCDEF"
)

// runeCount counts UTF-8 characters (bytes that do not continue one), so
// widths line up for non-ASCII text the way fmt's do.
func runeCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i]&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

// pad writes s padded to sp.width: spaces (or zeros with '0') on the left,
// or spaces on the right with '-'.
func (w *writer) pad(sp spec, s string) {
	fill := sp.width - runeCount(s)
	if !sp.minus {
		if sp.zero {
			w.repeat('0', fill)
		} else {
			w.repeat(' ', fill)
		}
	}
	w.put(s)
	if sp.minus {
		w.repeat(' ', fill)
	}
}

func (w *writer) text(sp spec, typ string, s string) {
	switch sp.verb {
	case 's', 'v':
		w.pad(sp, s)
	case 'x', 'X':
		w.hexText(sp, s)
	default:
		w.bad(sp, typ)
		w.put(s)
		w.putByte(')')
	}
}

// hexText prints every byte of s as two hex digits (%x on a string).
func (w *writer) hexText(sp spec, s string) {
	digits, prefix := lowerHex, "0x"
	if sp.verb == 'X' {
		digits, prefix = upperHex, "0X"
	}
	if !sp.sharp || len(s) == 0 {
		prefix = ""
	}
	fill := sp.width - len(prefix) - 2*len(s)
	if !sp.minus {
		if sp.zero {
			w.repeat('0', fill)
		} else {
			w.repeat(' ', fill)
		}
	}
	w.put(prefix)
	for i := 0; i < len(s); i++ {
		w.putByte(digits[s[i]>>4])
		w.putByte(digits[s[i]&15])
	}
	if sp.minus {
		w.repeat(' ', fill)
	}
}

// byteSlice prints b as text (%s), hex (%x) or a list of numbers (%v, %d).
func (w *writer) byteSlice(sp spec, b []byte) {
	switch sp.verb {
	case 's', 'x', 'X':
		w.text(sp, "[]uint8", asString(b))
	case 'v', 'd':
		w.putByte('[')
		each := sp // fmt applies the flags and width to every element
		each.verb = 'd'
		for i, c := range b {
			if i > 0 {
				w.putByte(' ')
			}
			w.integer(each, "uint8", uint64(c), false)
		}
		w.putByte(']')
	default:
		w.bad(sp, "[]uint8")
		w.byteSlice(spec{verb: 'v'}, b)
		w.putByte(')')
	}
}

func (w *writer) boolean(sp spec, v bool) {
	s := "false"
	if v {
		s = "true"
	}
	if sp.verb == 't' || sp.verb == 'v' {
		w.pad(sp, s)
		return
	}
	w.bad(sp, "bool")
	w.put(s)
	w.putByte(')')
}

// signed splits v into sign and magnitude; the magnitude of math.MinInt64
// is computed in uint64, where it fits.
func (w *writer) signed(sp spec, typ string, v int64) {
	if v < 0 {
		w.integer(sp, typ, -uint64(v), true)
		return
	}
	w.integer(sp, typ, uint64(v), false)
}

// integer prints the number whose magnitude is mag (negative if neg).
func (w *writer) integer(sp spec, typ string, mag uint64, neg bool) {
	var digits [20]byte // 2^64-1 has 20 decimal digits (16 in hex)
	i := len(digits)
	prefix := ""
	switch sp.verb {
	case 'd', 'v':
		for {
			i--
			digits[i] = byte('0' + mag%10)
			mag /= 10
			if mag == 0 {
				break
			}
		}
	case 'x', 'X', 'p':
		hex := lowerHex
		if sp.verb == 'X' {
			hex = upperHex
		}
		for {
			i--
			digits[i] = hex[mag&15]
			mag >>= 4
			if mag == 0 {
				break
			}
		}
		if sp.verb == 'p' || sp.sharp {
			prefix = "0x"
			if sp.verb == 'X' {
				prefix = "0X"
			}
		}
	case 'c':
		w.char(sp, mag, neg)
		return
	default:
		w.bad(sp, typ)
		w.integer(spec{verb: 'v'}, typ, mag, neg)
		w.putByte(')')
		return
	}
	sign := ""
	if neg {
		sign = "-"
	} else if sp.plus {
		sign = "+"
	}
	// Like fmt: zeros go between sign/prefix and digits, and the width
	// counts the sign but not the 0x prefix; spaces count everything.
	fill := sp.width - len(sign) - (len(digits) - i)
	if !sp.zero || sp.minus {
		fill -= len(prefix)
	}
	if !sp.minus && !sp.zero {
		w.repeat(' ', fill)
	}
	w.put(sign)
	w.put(prefix)
	if sp.zero && !sp.minus {
		w.repeat('0', fill)
	}
	w.put(asString(digits[i:]))
	if sp.minus {
		w.repeat(' ', fill)
	}
}

// char prints mag as one UTF-8 encoded character (%c). Values that are not
// Unicode code points print as U+FFFD, the replacement character.
func (w *writer) char(sp spec, mag uint64, neg bool) {
	r := mag
	if neg || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF) {
		r = 0xFFFD
	}
	var b [4]byte // UTF-8: Unicode 15.0 §3.9, Table 3-6
	n := 1
	switch {
	case r < 0x80:
		b[0] = byte(r)
	case r < 0x800:
		b[0], b[1], n = 0xC0|byte(r>>6), 0x80|byte(r&0x3F), 2
	case r < 0x10000:
		b[0], b[1], b[2], n = 0xE0|byte(r>>12), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F), 3
	default:
		b[0], b[1], b[2], b[3], n = 0xF0|byte(r>>18), 0x80|byte(r>>12&0x3F), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F), 4
	}
	w.pad(sp, asString(b[:n]))
}
