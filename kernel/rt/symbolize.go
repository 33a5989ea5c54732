package rt

import (
	"runtime"
	"unsafe"
)

// Symbolizing a program counter without the Go runtime started.
//
// The linker writes the function table (pclntab) as static data, so the
// runtime's lookup functions work before — and without — runtime
// initialisation, with two caveats found by trying it that way on both
// architectures:
//   - runtime.FuncForPC allocates for a PC inside an inlined body, so we use
//     runtime.findfunc (a linkname the runtime keeps for outside packages)
//     and name the outermost function;
//   - file:line lookup (runtime.funcline1) caches through getg().m, so the
//     current g borrows a zeroed fake m for the duration of the call.

// funcInfo mirrors runtime.funcInfo: a *_func and its *moduledata.
type funcInfo struct {
	fn    unsafe.Pointer
	datap unsafe.Pointer
}

//go:linkname findfunc runtime.findfunc
func findfunc(pc uintptr) funcInfo

//go:linkname funcline1 runtime.funcline1
func funcline1(f funcInfo, targetpc uintptr, strict bool) (file string, line int32)

// fakeM is lent to g.m while the runtime's line tables are consulted.
var fakeM [16 << 10]byte

// Symbol describes one program counter.
type Symbol struct {
	Func string // package-qualified function name, "?" if unknown
	File string
	Line int
}

// Symbolize looks pc up in the kernel's function table. For a return
// address pass pc-1 so the call instruction, not the next line, is named.
func Symbolize(pc uintptr) (Symbol, bool) {
	fi := findfunc(pc)
	if fi.fn == nil {
		return Symbol{Func: "?", File: "?"}, false
	}
	// A *_func is what a non-inlined *runtime.Func points at; Name reads
	// the static name table.
	name := (*runtime.Func)(fi.fn).Name()
	g := CurrentG()
	saved := g.M
	g.M = uintptr(unsafe.Pointer(&fakeM))
	file, line := funcline1(fi, pc, false)
	g.M = saved
	return Symbol{Func: name, File: file, Line: int(line)}, true
}

// FuncEntry reports whether pc lies inside a known function.
func FuncEntry(pc uintptr) bool { return findfunc(pc).fn != nil }
