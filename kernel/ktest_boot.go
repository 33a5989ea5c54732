package kernel

import (
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/ktest"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trap"
)

// Kernel tests of the boot runtime: symbolization, guard pages, traps that
// resume, and the heap-free formatter on the real machine.

// funcPC returns the entry PC of a top-level function value.
func funcPC(fn func(*ktest.T)) uintptr {
	return **(**uintptr)(unsafe.Pointer(&fn))
}

func testSymbolize(t *ktest.T) {
	pc := funcPC(testSymbolize)
	s, ok := rt.Symbolize(pc)
	if !t.Check(ok, "Symbolize(%#x) found no function", pc) {
		return
	}
	t.Check(s.Func == "tlbrace/kernel.testSymbolize", "name %q", s.Func)
	t.Check(hasSuffix(s.File, "kernel/ktest_boot.go"), "file %q", s.File)
	t.Check(s.Line > 20 && s.Line < 40, "line %d", s.Line)
	_, ok = rt.Symbolize(0x10)
	t.Check(!ok, "address 0x10 symbolized")
}

func testGuardPages(t *ktest.T) {
	for i := 0; i < rt.MaxStacks; i += rt.MaxStacks - 1 {
		lo, hi := rt.Stack(i)
		t.Check(mm.Lookup(mm.KernelRoot, lo-mm.PageSize) == 0, "stack %d guard %#x is mapped", i, lo-mm.PageSize)
		t.Check(mm.Lookup(mm.KernelRoot, lo).Has(mm.PTEPresent), "stack %d bottom %#x unmapped", i, lo)
		t.Check(mm.Lookup(mm.KernelRoot, hi-1).Has(mm.PTEPresent|mm.PTEGlobal), "stack %d top not global", i)
		t.Check(rt.IsGuardPage(lo-1) && !rt.IsGuardPage(lo), "IsGuardPage wrong around %#x", lo)
	}
	g := rt.G0()
	t.Check(mm.Lookup(mm.KernelRoot, g.StackLo-mm.PageSize) == 0, "boot stack guard mapped")
	t.Check(mm.Lookup(mm.KernelRoot, 0) == 0, "page 0 is mapped: nil dereferences would not fault")
}

var breakpoints int

func countBreakpoint(f *trap.Frame, g *rt.G) { breakpoints++ }

func testBreakpointResumes(t *ktest.T) {
	breakpoints = 0
	trap.Register(trap.VecBreakpoint, countBreakpoint)
	asm.Int3()
	asm.Int3()
	trap.Register(trap.VecBreakpoint, nil)
	t.Check(breakpoints == 2, "breakpoint handler ran %d times, want 2", breakpoints)
	t.Check(trap.Count[trap.VecBreakpoint] >= 2, "trap counter %d", trap.Count[trap.VecBreakpoint])
}

func testConsoleFormat(t *ktest.T) {
	var buf [64]byte
	x := uint64(0xdeadbeef)
	n := console.Format(buf[:], "%d|%#x|%-4s|%05d", -42, x, "ab", 7)
	want := "-42|0xdeadbeef|ab  |00007"
	t.Check(string(buf[:n]) == want, "got %q want %q", buf[:n], want)
}

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }
