package ktests

import (
	"unsafe"

	"tlbrace/kernel/ktest"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/rt"
)

// Kernel tests of the tiny runtime: symbolization and guard pages.

// funcPC returns the entry PC of a top-level function value.
func funcPC(fn func(*ktest.T)) uintptr {
	return **(**uintptr)(unsafe.Pointer(&fn))
}

// symbolizeLine is the line of `func testSymbolize` below: what the
// kernel's pclntab must say for its entry. rt_test.go checks it against
// the host compiler's own line table, so it cannot silently rot.
const symbolizeLine = 23

func testSymbolize(t *ktest.T) {
	pc := funcPC(testSymbolize)
	s, ok := rt.Symbolize(pc)
	if !t.Check(ok, "Symbolize(%#x) found no function", pc) {
		return
	}
	t.Check(s.Func == "tlbrace/kernel/ktests.testSymbolize", "name %q", s.Func)
	// -trimpath: the module path, never the build machine's directory.
	t.Check(s.File == "tlbrace/kernel/ktests/rt.go", "file %q, want tlbrace/kernel/ktests/rt.go", s.File)
	t.Check(s.Line == symbolizeLine, "line %d, want %d", s.Line, symbolizeLine)
	_, ok = rt.Symbolize(0x10)
	t.Check(!ok, "address 0x10 symbolized")
}

// testGuardPages checks every kernel stack: its guard page is unmapped,
// its own pages are mapped (and global: the same in every address space).
func testGuardPages(t *ktest.T) {
	for i := 0; i < rt.MaxStacks; i++ {
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
