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
	// -trimpath: the module path, never the build machine's directory.
	t.Check(s.File == "tlbrace/kernel/ktest_boot.go", "file %q, want tlbrace/kernel/ktest_boot.go", s.File)
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

// testFlushWindows checks the flush windows asm.Windows reports — the
// addresses the window-hit counters and the injector rely on — against
// the machine code there: `mov %cr3,%eax` (0f 20 d8) at the read and
// `mov %eax,%cr3` (0f 22 d8) at the write (Intel SDM Vol. 2B "MOV—Move
// to/from Control Registers"; REX-free in both modes). The host test
// tests/windows_test.go decodes the same addresses with x86asm.
func testFlushWindows(t *ktest.T) {
	w := asm.Windows()
	t.Logf("flush windows: local read %#x write %#x, global read %#x write %#x",
		w.ReadLocal, w.WriteLocal, w.ReadGlobal, w.WriteGlobal)
	check := func(what string, at uintptr, modrm byte, op byte) {
		b := (*[3]byte)(unsafe.Pointer(at))
		t.Check(b[0] == 0x0f && b[1] == op && b[2] == modrm, "%s at %#x: bytes % x, want 0f %x %x", what, at, b[:], op, modrm)
	}
	check("local CR3 read", w.ReadLocal, 0xd8, 0x20)
	check("local CR3 write", w.WriteLocal, 0xd8, 0x22)
	check("global CR3 read", w.ReadGlobal, 0xd8, 0x20)
	check("global CR3 write", w.WriteGlobal, 0xd8, 0x22)
	t.Check(w.WriteLocal == w.ReadLocal+3 && w.WriteGlobal == w.ReadGlobal+3, "the write does not follow the read")
}
