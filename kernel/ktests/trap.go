package ktests

import (
	"tlbrace/asm"
	"tlbrace/kernel/ktest"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trap"
)

// Kernel tests of the trap path.

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
