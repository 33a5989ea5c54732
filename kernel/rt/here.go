package rt

import "unsafe"

// A backtrace taken where no trap frame is: a warning (mm's
// WARN_ON_ONCE analogue) reports where it was called from, and the
// kernel goes on.

// here returns the program counter, the stack pointer and the frame
// pointer of its caller (here_386.s, here_amd64.s). sp is just above
// here's own results, so a stack scan does not find pc a second time.
func here() (pc, sp, bp uintptr)

// BacktraceHere returns the backtrace of its caller on the running g's
// stack: frame 0 is in BacktraceHere itself, frame 1 its caller, and so
// on up.
//
//go:noinline
func BacktraceHere() Frames {
	pc, sp, bp := here()
	g := CurrentG()
	return Backtrace(pc, sp-hereResults, bp, g.StackLo, g.StackHi)
}

// hereResults is the size of here's results, which sit at BacktraceHere's
// SP: here reports sp above them, Backtrace wants SP itself.
const hereResults = 3 * unsafe.Sizeof(uintptr(0))
