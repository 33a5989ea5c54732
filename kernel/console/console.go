// This file connects the formatter to the outside world: Printf and Print
// format into a buffer on the stack and hand the bytes to an output hook
// (the serial driver, say), optionally inside a critical section.
package console

import "unsafe"

// bufSize is the size of Printf's stack buffer. Longer output is not cut
// off: it reaches the hook in several pieces within the same Printf call.
const bufSize = 512

// The hooks. They are plain package variables set at run time, because
// package initialisation never runs in the kernel (docs/conventions.md).
var (
	output     func([]byte)   // receives the text; nil drops it
	lockHook   func() uintptr // begins a critical section, returns state for unlockHook
	unlockHook func(uintptr)  // ends it
)

// SetOutput sets where printed bytes go; nil throws them away. The hook
// borrows the slice for the duration of the call only (like io.Writer): it
// must neither keep nor modify it.
func SetOutput(w func([]byte)) { output = w }

// SetLock makes every Printf and Print call one critical section: lock is
// called before anything is formatted and unlock(lock()) after the last
// byte reached the output hook. A kernel passes e.g. "save flags and
// disable interrupts" / "restore flags". nil for either means no locking.
func SetLock(lock func() uintptr, unlock func(uintptr)) {
	if lock == nil || unlock == nil {
		lock, unlock = nil, nil
	}
	lockHook, unlockHook = lock, unlock
}

// Begin starts a group of Printf and Print calls that other CPUs' output
// must not split — a report printed in pieces — and returns the state for
// End. It is the critical section of SetLock; the kernel's lock lets the
// holding CPU enter it again, so the calls inside take it as usual.
func Begin() uintptr {
	if lockHook == nil {
		return 0
	}
	return lockHook()
}

// End ends a group Begin started.
func End(state uintptr) {
	if unlockHook != nil {
		unlockHook(state)
	}
}

// Printf formats like Format and sends the result to the output hook.
func Printf(format string, args ...any) {
	var buf [bufSize]byte
	lock, unlock := lockHook, unlockHook
	var state uintptr
	if lock != nil {
		state = lock()
	}
	w := writer{buf: buf[:], stream: true, out: output}
	w.format(format, args)
	w.emit()
	if unlock != nil {
		unlock(state)
	}
}

// Print sends s to the output hook unchanged.
func Print(s string) {
	var buf [bufSize]byte
	lock, unlock := lockHook, unlockHook
	var state uintptr
	if lock != nil {
		state = lock()
	}
	w := writer{buf: buf[:], stream: true, out: output}
	w.put(s)
	w.emit()
	if unlock != nil {
		unlock(state)
	}
}

// emit hands the buffered bytes to the output hook and empties the buffer.
func (w *writer) emit() {
	if w.n > 0 && w.out != nil {
		w.out(noescape(w.buf[:w.n]))
	}
	w.n = 0
}

// noescape returns b unchanged, but hides it from the compiler's escape
// analysis. Calling a function value, the compiler must assume the callee
// keeps its argument, and would therefore move Printf's stack buffer to the
// heap, which the kernel does not have. The hook contract (see SetOutput)
// makes this safe: the bytes are only borrowed. The runtime uses the same
// trick (runtime.noescape). go:nocheckptr keeps `go test -race` (which
// checks pointer arithmetic) from objecting to the round trip via uintptr.
//
//go:nocheckptr
func noescape(b []byte) []byte {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return unsafe.Slice((*byte)(unsafe.Add(nil, p)), len(b))
}
