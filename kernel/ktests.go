package kernel

import "tlbrace/kernel/ktest"

// kernelTests is every kernel test, in the order they run. A package's
// tests live beside its code (ktest_*.go) and are listed here.
var kernelTests = [...]ktest.Test{
	{Name: "rt.symbolize", Fn: testSymbolize},
	{Name: "rt.guard_pages_unmapped", Fn: testGuardPages},
	{Name: "trap.breakpoint_resumes", Fn: testBreakpointResumes},
	{Name: "console.format", Fn: testConsoleFormat},
}
