// Package ktests is the kernel's own tests, run inside QEMU by test=
// (kernel/ktest is the runner; the host harness turns their output into
// `go test` subtests of tests.TestKernel).
//
// They live here, one file per package under test (rt.go, trap.go,
// console.go, asm.go, mm.go, sched.go, user.go), rather than beside the
// code they test: a test of mm needs user programs and the scheduler,
// which import mm, so it cannot sit in mm. Nothing outside this package
// and Main's test= path uses anything in it. Logic that needs no
// privileged instruction is tested on the host instead, with ordinary
// _test.go files beside the code.
package ktests

import "tlbrace/kernel/ktest"

// tests is every kernel test, in the order they run. There are no init
// functions in a kernel without a runtime, so registration is a line here.
var tests = [...]ktest.Test{
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
	{Name: "mm.debug_pagealloc", Fn: testDebugPageAlloc},
	{Name: "mm.spurious_runs_counted", Fn: testSpuriousRunsCounted},
	{Name: "mm.freed_pgd_caught", Fn: testFreedPGDCaught},
	{Name: "sched.preemption", Fn: testPreemption},
	{Name: "sched.preempt_disable_defers", Fn: testPreemptDisableDefers},
	{Name: "sched.kthread_switch_no_cr3", Fn: testKernelThreadSwitchNoCR3},
	{Name: "sched.same_mm_no_cr3", Fn: testSameMMNoCR3},
	{Name: "sched.different_mm_writes_cr3", Fn: testDifferentMMWritesCR3},
	{Name: "sched.lazy_mm_outlives_owner", Fn: testLazyMMOutlivesOwner},
	{Name: "sched.loaded_mm_follows_switches", Fn: testLoadedMMFollowsSwitches},
	{Name: "sched.lazy_no_leak_after_churn", Fn: testLazyNoLeakAfterChurn},
	{Name: "sched.exit_mm_borrows", Fn: testExitMMBorrows},
	{Name: "sched.exit_no_leak", Fn: testExitNoLeak},
	{Name: "sched.checkcr3_catches_stale", Fn: testCheckCR3CatchesStale},
	{Name: "smp.cpus_tick", Fn: testCPUsTick},
	{Name: "smp.migration", Fn: testMigration},
	{Name: "smp.spinlock_excludes", Fn: testSpinlockExcludes},
	{Name: "smp.spinlock_misuse_reported", Fn: testSpinlockMisuse},
	{Name: "smp.shootdown_lazy_leaves", Fn: testShootdownLazyLeaves},
	{Name: "smp.lazy_borrowers_let_go", Fn: testLazyBorrowersLetGo},
	{Name: "user.hello", Fn: testHello},
	{Name: "user.bad_pointers_get_errors", Fn: testBadPointers},
	{Name: "user.privileged_instruction_killed", Fn: testPrivilegedKilled},
	{Name: "user.kernel_read_killed", Fn: testKernelReadKilled},
	{Name: "user.workers_isolated", Fn: testWorkersIsolated},
	{Name: "leakcheck.reports_leaks", Fn: testLeakCheckReportsLeaks},
}

// initramfs is the archive the user tests load their programs from.
var initramfs []byte

// Run runs every test want accepts, with the programs of the initramfs
// img (nil if QEMU passed none), and returns how many ran and failed.
func Run(img []byte, want func(name string) bool) (ran, failed int) {
	initramfs = img
	return ktest.Run(tests[:], want)
}
