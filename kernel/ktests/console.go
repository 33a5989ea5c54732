package ktests

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/ktest"
)

// The heap-free formatter on the real machine (its logic is tested on the
// host, kernel/console).

func testConsoleFormat(t *ktest.T) {
	var buf [64]byte
	x := uint64(0xdeadbeef)
	n := console.Format(buf[:], "%d|%#x|%-4s|%05d", -42, x, "ab", 7)
	want := "-42|0xdeadbeef|ab  |00007"
	t.Check(string(buf[:n]) == want, "got %q want %q", buf[:n], want)
}
