package rt

import (
	"runtime"
	"strings"
	"testing"
)

// TestUnwindMatchesCallers: BacktraceHere, from a chain of calls whose
// frames hold stale return addresses (each calls a helper first, whose
// return address stays behind in the frame), names exactly the frames
// runtime.Callers names: no stale one, none missing. Under GOARCH=386
// that is the pcsp unwinder (unwind.go) reading the runtime's own tables
// through funcHead and moduleHead; under amd64, the frame-pointer chain.
func TestUnwindMatchesCallers(t *testing.T) {
	var got Frames
	var want []uintptr
	outerFrame(func() {
		got = BacktraceHere()
		pcs := make([]uintptr, MaxFrames)
		want = pcs[:runtime.Callers(1, pcs)]
	})
	names := func(pcs []uintptr, skip int) []string {
		var s []string
		for i, pc := range pcs {
			if i > 0 {
				pc-- // a return address: the call
			}
			if f := runtime.FuncForPC(pc); f != nil {
				s = append(s, f.Name())
			}
		}
		return s[skip:]
	}
	g := names(got.PC[:got.N], 1) // frame 0 is BacktraceHere itself
	w := names(want, 0)
	// The comparison runs up to the test's own function: beyond it the
	// testing package's frames are the same in both.
	cut := func(s []string) []string {
		for i, n := range s {
			if strings.HasSuffix(n, ".TestUnwindMatchesCallers") {
				return s[:i+1]
			}
		}
		return s
	}
	g, w = cut(g), cut(w)
	if strings.Join(g, " ") != strings.Join(w, " ") {
		t.Fatalf("backtrace\n  %s\nwant (runtime.Callers)\n  %s", strings.Join(g, "\n  "), strings.Join(w, "\n  "))
	}
	if len(g) < 4 {
		t.Fatalf("too short to prove anything: %v", g)
	}
}

// outerFrame and innerFrame leave return addresses behind in their
// frames (from staleHelper, called and returned before the next call).
//
//go:noinline
func outerFrame(f func()) {
	var buf [64]byte
	staleHelper(buf[:])
	innerFrame(f, buf[3])
}

//go:noinline
func innerFrame(f func(), b byte) {
	var buf [48]byte
	buf[0] = b
	staleHelper(buf[:])
	f()
	sink = buf[1]
}

//go:noinline
func staleHelper(b []byte) {
	var deeper [32]byte
	for i := range b {
		b[i] = byte(i) + deeper[i%32]
	}
}

var sink byte
