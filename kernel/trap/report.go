package trap

import (
	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/rt"
)

// Reports: a fault is never silent. Oops prints vector, error code, every
// register, CR2 and CR3, a diagnosis and a symbolized backtrace of the
// faulting context, then leaves QEMU with the panic status.

// Describe, when set, prints what the kernel knows about the context g
// belongs to (the scheduler prints the task, its mm and active_mm).
var Describe func(g *rt.G)

// pageFaultBits explains a page-fault error code: Intel SDM Vol. 3A §4.7,
// Figure 4-12.
func pageFaultBits(code uintptr) (present, write, user, fetch bool) {
	return code&1 != 0, code&2 != 0, code&4 != 0, code&16 != 0
}

// Oops reports a fatal trap and stops the machine.
func Oops(f *Frame, g *rt.G, why string) {
	console.Begin() // the whole report, whatever other CPUs print; the run ends after it
	frames := backtraceOf(f, g)
	console.Printf("PANIC: %s: %s in %s mode on CPU %d\n", why, VectorName(f.Vector), modeName(f), rt.CPUIndex())
	if d := diagnose(f, &frames); d != "" {
		console.Printf("  diagnosis: %s\n", d)
	}
	console.Printf("  vector %d  error code %#x", f.Vector, f.ErrorCode)
	if f.Vector == VecPageFault {
		p, w, u, x := pageFaultBits(f.ErrorCode)
		console.Printf(" (%s, %s, %s%s)", pick(p, "protection", "not-present"),
			pick(w, "write", "read"), pick(u, "user", "kernel"), pick(x, ", instruction fetch", ""))
	}
	console.Printf("\n  cr2 %#x  cr3 %#x  cr0 %#x  cr4 %#x\n", asm.ReadCR2(), asm.ReadCR3(), asm.ReadCR0(), asm.ReadCR4())
	n := 0
	f.Each(func(name string, v uintptr) {
		console.Printf(regFormat, name, v)
		if n++; n%4 == 0 {
			console.Print("\n")
		}
	})
	if n%4 != 0 {
		console.Print("\n")
	}
	if g != nil {
		console.Printf("  stack [%#x, %#x) guard %#x\n", g.StackLo, g.StackHi, g.StackGuard0)
	}
	if Describe != nil {
		Describe(g)
	}
	PrintBacktrace(&frames)
	Die()
}

// Die ends the run with the panic status after a report.
func Die() {
	rt.Exit(rt.ExitPanic)
}

// PrintBacktrace prints frames symbolized: function, file:line.
func PrintBacktrace(fr *rt.Frames) {
	console.Print("  backtrace:\n")
	for i := 0; i < fr.N; i++ {
		pc := fr.PC[i]
		// Deep recursion: one line for a run of identical frames.
		same := 0
		for i+same+1 < fr.N && fr.PC[i+same+1] == pc {
			same++
		}
		look := pc
		if i > 0 {
			look = pc - 1 // a return address: name the call, not the next line
		}
		s, _ := rt.Symbolize(look)
		console.Printf("    #%-2d %#x %s\n          %s:%d\n", i, pc, s.Func, s.File, s.Line)
		if same > 0 {
			console.Printf("    ... the same frame %d more times\n", same)
			i += same
		}
	}
}

func backtraceOf(f *Frame, g *rt.G) rt.Frames {
	if f.FromUser() || g == nil {
		var fr rt.Frames
		fr.PC[0], fr.N = f.IP, 1
		return fr
	}
	return rt.Backtrace(f.IP, f.SP(), f.BP, g.StackLo, g.StackHi)
}

// diagnose names the usual suspects: Go runtime panics (which cannot run
// without the runtime and end in a fault inside it), stack overflow, nil.
func diagnose(f *Frame, fr *rt.Frames) string {
	// The most specific cause anywhere on the stack wins over the generic
	// "a Go panic started" that sits on top of it.
	generic := ""
	for i := 0; i < fr.N; i++ {
		s, ok := rt.Symbolize(fr.PC[i])
		if !ok {
			continue
		}
		switch {
		case hasPrefix(s.Func, "runtime.panicBounds"), hasPrefix(s.Func, "runtime.goPanicIndex"),
			hasPrefix(s.Func, "runtime.goPanicSlice"), hasPrefix(s.Func, "runtime.panicIndex"),
			hasPrefix(s.Func, "runtime.panicSlice"):
			return "bounds check failure: index or slice out of range (a Go runtime panic, which cannot run here)"
		case s.Func == "runtime.panicdivide":
			return "integer divide by zero (a Go runtime panic, which cannot run here)"
		case s.Func == "runtime.morestack", s.Func == "runtime.newstack", s.Func == "runtime.morestack_noctxt":
			return "kernel stack overflow: the stack guard (g.stackguard0) was hit"
		case hasPrefix(s.Func, "runtime.gopanic"), s.Func == "runtime.panicmem":
			generic = "Go panic (which cannot run without the Go runtime)"
		}
	}
	if generic != "" {
		return generic
	}
	if f.Vector == VecPageFault && !f.FromUser() {
		cr2 := asm.ReadCR2()
		if cr2 < 4096 {
			return "nil pointer dereference"
		}
		if GuardPage != nil && GuardPage(cr2) {
			return "kernel stack overflow into a guard page"
		}
	}
	if f.Vector == VecDoubleFault {
		if GuardPage != nil && GuardPage(asm.ReadCR2()) {
			return "kernel stack overflow into a guard page (CR2): the page fault could not push its frame, hence the double fault"
		}
		return "double fault: most often a kernel stack overflow into a guard page"
	}
	return ""
}

// GuardPage, when set, reports whether addr lies in a stack guard page.
var GuardPage func(addr uintptr) bool

func modeName(f *Frame) string { return pick(f.FromUser(), "user", "kernel") }

func pick(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
