// Typical kernel call sites, compiled only into the test binary so that
// TestNoHeap can check the compiler keeps their arguments (including the
// ints boxed into ...any) on the stack. Nothing in this file may escape.
package console

func callerPrintf(cpu int, addr uintptr, count uint64, name string, b []byte, ok bool) {
	Printf("cpu%d: %s at %#x, %d times (%v) %s\n", cpu, name, addr, count, ok, b)
}

func callerFormat(n int32, code uint8) int {
	var buf [64]byte
	return Format(buf[:], "EXIT %d (%02x)", n, code)
}

func callerPrint(s string) { Print(s) }
