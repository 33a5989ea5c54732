// Package console is the kernel's formatted printing: a small, heap-free
// subset of Go's fmt for code that runs without the Go runtime.
//
// This file is the formatter itself (the %-verbs). console.go connects it
// to an output device. Supported verbs, following fmt where it is cheap:
//
//	%s  string or []byte           %d  any integer (or []byte as [1 2 3])
//	%x  lowercase hex (integers, strings, []byte)   %X  uppercase hex
//	%c  integer as a Unicode character               %t  bool
//	%v  natural form of any supported value          %%  a literal '%'
//	%p  integer in hex with a 0x prefix (fmt would reject non-pointers)
//
// Flags: '-' (pad on the right), '0' (pad with zeros), '#' (0x prefix),
// '+' (sign on positive numbers), then a decimal width: %08x, %-10s, %5d.
// Like fmt, %#08x gives 8 zero-padded digits after the prefix. %v ignores
// '+' and '#' (fmt's Go-syntax forms are not offered). No precision (%.3s).
// Mistakes are printed, never fatal: %!d(MISSING), %!t(int=5), %!v(?) for an
// unsupported type, %!(EXTRA ...) for arguments nobody asked for.
package console

import "unsafe"

// spec is one parsed %-directive.
type spec struct {
	minus, zero, sharp, plus bool
	width                    int
	verb                     byte
}

// maxWidth caps widths so a typo like %99999999d cannot print for ever.
const maxWidth = 1024

// writer collects formatted bytes in buf. When buf is full it either
// passes the bytes to out and starts again (stream, used by Printf), or
// drops whatever does not fit (used by Format).
type writer struct {
	buf    []byte
	n      int
	stream bool
	out    func([]byte)
}

// Format writes the formatted text into buf, silently cutting it off if buf
// is too small, and returns the number of bytes written.
func Format(buf []byte, format string, args ...any) int {
	w := writer{buf: buf}
	w.format(format, args)
	return w.n
}

// put writes s, flushing (or truncating) whenever the buffer fills up.
func (w *writer) put(s string) {
	for len(s) > 0 {
		if w.n == len(w.buf) {
			if !w.stream || len(w.buf) == 0 {
				return
			}
			w.emit()
		}
		k := copy(w.buf[w.n:], s)
		w.n += k
		s = s[k:]
	}
}

func (w *writer) putByte(c byte) {
	if w.n == len(w.buf) {
		if !w.stream || len(w.buf) == 0 {
			return
		}
		w.emit()
	}
	w.buf[w.n] = c
	w.n++
}

func (w *writer) repeat(c byte, count int) {
	for ; count > 0; count-- {
		w.putByte(c)
	}
}

// asString views b as a string without copying (b must not change meanwhile).
func asString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// format is the main loop: copy literal text, interpret each %-directive.
func (w *writer) format(f string, args []any) {
	next := 0 // index of the next unused argument
	for i := 0; i < len(f); {
		j := i
		for j < len(f) && f[j] != '%' {
			j++
		}
		w.put(f[i:j])
		if j == len(f) {
			break
		}
		var sp spec
		sp, i = parseSpec(f, j+1)
		switch {
		case sp.verb == 0:
			w.put("%!(NOVERB)")
		case sp.verb == '%':
			w.putByte('%')
		case next >= len(args):
			w.put("%!")
			w.putByte(sp.verb)
			w.put("(MISSING)")
		default:
			w.arg(sp, args[next])
			next++
		}
	}
	if next < len(args) {
		w.put("%!(EXTRA ")
		for k, a := range args[next:] {
			if k > 0 {
				w.put(", ")
			}
			w.arg(spec{verb: 'v'}, a)
		}
		w.putByte(')')
	}
}

// parseSpec reads flags, width and verb starting just after a '%'. It
// returns the spec (verb 0 if the format ended early) and the next index.
func parseSpec(f string, i int) (spec, int) {
	var sp spec
flags:
	for ; i < len(f); i++ {
		switch f[i] {
		case '-':
			sp.minus = true
		case '0':
			sp.zero = true
		case '#':
			sp.sharp = true
		case '+':
			sp.plus = true
		default:
			break flags
		}
	}
	for ; i < len(f) && f[i] >= '0' && f[i] <= '9'; i++ {
		if sp.width < maxWidth {
			sp.width = sp.width*10 + int(f[i]-'0')
		}
	}
	sp.width = min(sp.width, maxWidth)
	if i < len(f) {
		sp.verb = f[i]
		i++
	}
	return sp, i
}

// arg formats one argument. The type switch is the whole "reflection" we
// have; a value of any other type prints as %!v(?).
func (w *writer) arg(sp spec, a any) {
	if sp.verb == 'v' { // %+v and %#v mean Go syntax in fmt; here just %v
		sp.plus, sp.sharp = false, false
	}
	switch v := a.(type) {
	case string:
		w.text(sp, "string", v)
	case []byte:
		w.byteSlice(sp, v)
	case bool:
		w.boolean(sp, v)
	case int:
		w.signed(sp, "int", int64(v))
	case int8:
		w.signed(sp, "int8", int64(v))
	case int16:
		w.signed(sp, "int16", int64(v))
	case int32:
		w.signed(sp, "int32", int64(v))
	case int64:
		w.signed(sp, "int64", v)
	case uint:
		w.integer(sp, "uint", uint64(v), false)
	case uint8:
		w.integer(sp, "uint8", uint64(v), false)
	case uint16:
		w.integer(sp, "uint16", uint64(v), false)
	case uint32:
		w.integer(sp, "uint32", uint64(v), false)
	case uint64:
		w.integer(sp, "uint64", v, false)
	case uintptr:
		w.integer(sp, "uintptr", uint64(v), false)
	case nil:
		if sp.verb == 'v' {
			w.pad(sp, "<nil>")
			return
		}
		w.bad(sp, "<nil>")
		w.putByte(')')
	default:
		w.put("%!")
		w.putByte(sp.verb)
		w.put("(?)")
	}
}

// bad starts a wrong-verb report like fmt's %!d(bool=true); the caller
// prints the value and the closing parenthesis.
func (w *writer) bad(sp spec, typ string) {
	w.put("%!")
	w.putByte(sp.verb)
	w.putByte('(')
	w.put(typ)
	if typ != "<nil>" {
		w.putByte('=')
	}
}
