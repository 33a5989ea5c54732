package kernel

import "tlbrace/kernel/ktest"

// kernelTests is every kernel test, in the order they run. Tests live
// beside the code they exercise (ktest_*.go) and are listed here.
var kernelTests = [...]ktest.Test{
	{Name: "rt.symbolize", Fn: testSymbolize},
	{Name: "rt.guard_pages_unmapped", Fn: testGuardPages},
	{Name: "trap.breakpoint_resumes", Fn: testBreakpointResumes},
	{Name: "console.format", Fn: testConsoleFormat},
	{Name: "asm.flush_windows", Fn: testFlushWindows},
	{Name: "mm.map_unmap", Fn: testMapUnmap},
	{Name: "mm.isolation", Fn: testIsolation},
	{Name: "mm.flush_makes_change_visible", Fn: testFlushMakesChangeVisible},
	{Name: "mm.demand_fault", Fn: testDemandFault},
	{Name: "mm.wrong_cr3_signature", Fn: testWrongCR3Signature},
	{Name: "mm.double_free_reported", Fn: testDoubleFreeReported},
	{Name: "sched.preemption", Fn: testPreemption},
	{Name: "sched.preempt_disable_defers", Fn: testPreemptDisableDefers},
	{Name: "sched.kthread_switch_no_cr3", Fn: testKernelThreadSwitchNoCR3},
	{Name: "sched.same_mm_no_cr3", Fn: testSameMMNoCR3},
	{Name: "sched.different_mm_writes_cr3", Fn: testDifferentMMWritesCR3},
	{Name: "sched.lazy_mm_outlives_owner", Fn: testLazyMMOutlivesOwner},
	{Name: "sched.switch_cost", Fn: testSwitchCost},
	{Name: "user.hello", Fn: testHello},
	{Name: "user.bad_pointers_get_errors", Fn: testBadPointers},
	{Name: "user.privileged_instruction_killed", Fn: testPrivilegedKilled},
	{Name: "user.kernel_read_killed", Fn: testKernelReadKilled},
	{Name: "user.workers_isolated", Fn: testWorkersIsolated},
}
