// Host tests for the formatter: every verb, flag and width, the integer
// extremes, the mistake markers, truncation, and agreement with fmt.
package console

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func format(f string, args ...any) string {
	var buf [1024]byte
	n := Format(buf[:], f, args...)
	return string(buf[:n])
}

type namedInt int // a type Format does not know

var formatTests = []struct {
	format string
	args   []any
	want   string
}{
	{"plain text", nil, "plain text"},
	{"", nil, ""},
	{"100%%", nil, "100%"},
	{"%s|%s", []any{"abc", []byte("xyz")}, "abc|xyz"},
	{"%v|%v", []any{"abc", []byte{1, 2}}, "abc|[1 2]"},
	{"%d", []any{[]byte{7, 255}}, "[7 255]"},
	{"%5s|%-5s|%05s|%2s", []any{"ab", "ab", "ab", "abcd"}, "   ab|ab   |000ab|abcd"},
	{"%4s|", []any{"é"}, "   é|"},
	{"%d %d %d %d %d", []any{int(-1), int8(-128), int16(-32768), int32(-2147483648), int64(math.MinInt64)},
		"-1 -128 -32768 -2147483648 -9223372036854775808"},
	{"%d %d", []any{int64(math.MaxInt64), uint64(math.MaxUint64)}, "9223372036854775807 18446744073709551615"},
	{"%d %d %d %d %d %d", []any{uint(1), uint8(255), uint16(65535), uint32(4294967295), uint64(0), uintptr(4096)},
		"1 255 65535 4294967295 0 4096"},
	{"%v %v %v", []any{-7, uint8(7), uintptr(7)}, "-7 7 7"},
	{"%5d|%-5d|%05d|%+d|%+d|%05d", []any{42, 42, 42, 42, -42, -42}, "   42|42   |00042|+42|-42|-0042"},
	{"%x %X %x %x", []any{255, 255, -255, uint64(math.MaxUint64)}, "ff FF -ff ffffffffffffffff"},
	{"%#x %#X %#x %p %p", []any{255, 255, 0, uintptr(0xb8000), 0}, "0xff 0XFF 0x0 0xb8000 0x0"},
	{"%08x|%#08x|%#8x|%-#8x|", []any{0xbeef, 0xbeef, 0xbeef, 0xbeef}, "0000beef|0x0000beef|  0xbeef|0xbeef  |"},
	{"%016p", []any{uintptr(0xdead)}, "0x000000000000dead"},
	{"%x %X %#x %6x", []any{"hi", []byte{0xab, 0xcd}, "hi", "hi"}, "6869 ABCD 0x6869   6869"},
	{"%c%c%c%c", []any{'a', 0xe9, 0x263a, 0x1F600}, "aé☺😀"},
	{"%c|%c|%3c", []any{-1, 0xD800, uint8('x')}, "\uFFFD|\uFFFD|  x"},
	{"%t %v %6t|%-6t|", []any{true, false, true, false}, "true false   true|false |"},

	// Mistakes are reported in the output, like fmt does.
	{"%d", nil, "%!d(MISSING)"},
	{"%s and %s", []any{"one"}, "one and %!s(MISSING)"},
	{"x%", nil, "x%!(NOVERB)"},
	{"%d", []any{true}, "%!d(bool=true)"},
	{"%s", []any{5}, "%!s(int=5)"},
	{"%t", []any{"no"}, "%!t(string=no)"},
	{"%c", []any{[]byte{1}}, "%!c([]uint8=[1])"},
	{"%z", []any{uint16(9)}, "%!z(uint16=9)"},
	{"%v %d", []any{nil, nil}, "<nil> %!d(<nil>)"},
	{"%d", []any{namedInt(3)}, "%!d(?)"},
	{"%v", []any{3.5}, "%!v(?)"},
	{"a", []any{1, "b"}, "a%!(EXTRA 1, b)"},
	{"%99999999999999999999d", []any{1}, strings.Repeat(" ", maxWidth-1) + "1"},
}

func TestFormat(t *testing.T) {
	for _, tt := range formatTests {
		if got := format(tt.format, tt.args...); got != tt.want {
			t.Errorf("Format(%q, %v) = %q, want %q", tt.format, tt.args, got, tt.want)
		}
	}
}

// TestLikeFmt checks that, where the verbs overlap, the output is exactly
// what Go's fmt produces.
func TestLikeFmt(t *testing.T) {
	values := []any{0, 1, -1, 42, -42, int8(-128), int64(math.MinInt64), int64(math.MaxInt64),
		uint8(200), uint64(math.MaxUint64), uint32(0xdeadbeef), "", "kernel", []byte("bytes"), true, false}
	verbs := []string{"%v", "%d", "%x", "%X", "%s", "%t", "%c"}
	flags := []string{"", "5", "-5", "05", "#", "#012", "+", "+08", "-#10", "30", "-030"}
	for _, v := range values {
		for _, verb := range verbs {
			if !fmtAgrees(verb, v) {
				continue
			}
			for _, fl := range flags {
				f := "%" + fl + verb[1:]
				if strings.ContainsAny(fl, "#+") && strings.Contains("%c%t%v", verb) {
					continue
				}
				if got, want := format(f, v), fmt.Sprintf(f, v); got != want {
					t.Errorf("Format(%q, %#v) = %q, fmt says %q", f, v, got, want)
				}
			}
		}
	}
}

// fmtAgrees reports whether fmt and Format are meant to agree on verb for v:
// they differ on purpose for wrong verbs (fmt can name any type) and for
// %c on []byte and %x on negative []byte elements.
func fmtAgrees(verb string, v any) bool {
	switch v.(type) {
	case string:
		return strings.Contains("%v%s%x%X", verb)
	case []byte:
		return strings.Contains("%v%d%s%x%X", verb)
	case bool:
		return verb == "%v" || verb == "%t"
	}
	return verb != "%s" && verb != "%t"
}

func TestFormatTruncates(t *testing.T) {
	for size := 0; size <= 12; size++ {
		buf := make([]byte, size+4)
		for i := range buf {
			buf[i] = '#'
		}
		n := Format(buf[:size], "%s=%5d!", "abc", 42)
		want := "abc=   42!"[:min(size, 10)]
		if n != len(want) || string(buf[:n]) != want {
			t.Errorf("size %d: Format wrote %q (n=%d), want %q", size, buf[:n], n, want)
		}
		if string(buf[size:]) != "####" {
			t.Errorf("size %d: Format wrote past the end: %q", size, buf)
		}
	}
}

func TestParseSpecEndsEarly(t *testing.T) {
	for _, f := range []string{"%", "%-", "%08", "%#-+0"} {
		if got := format(f, 1); got != "%!(NOVERB)%!(EXTRA 1)" {
			t.Errorf("Format(%q, 1) = %q", f, got)
		}
	}
}
