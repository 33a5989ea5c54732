package ktests

import (
	"tlbrace/kernel/ktest"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
)

// Kernel tests of do_exit's mm side (kernel/sched/exit.go, exitMMLazy):
// the exit lab's graded tests (docs/labs/exit.md).

// exitRounds of two user tasks each exit through do_exit.
const exitRounds = 4

// testExitMMBorrows: a user task that exits tears its address space down
// as a borrower. exit_mm sets the task's mm to nil before mmput, so every
// flush of exit_mmap is made by a task that owns no mm — the condition of
// the 2016 race — while its active_mm keeps the page tables alive.
func testExitMMBorrows(t *ktest.T) {
	sched.LeaveMM()
	exits, flushes, borrowed := sched.Exits, mm.TeardownFlushes, mm.BorrowedTeardownFlushes
	for i := 0; i < exitRounds; i++ {
		a, b := spawnYielders(t, false, 3)
		if a == nil || !waitGone(t, a, b) {
			return
		}
	}
	exits, flushes, borrowed = sched.Exits-exits, mm.TeardownFlushes-flushes, mm.BorrowedTeardownFlushes-borrowed
	t.Logf("%d exits, %d exit_mmap flushes, %d of them by a borrower", exits, flushes, borrowed)
	t.Check(exits == 2*exitRounds, "%d tasks went through do_exit, want %d", exits, 2*exitRounds)
	t.Check(flushes > 0, "no exit_mmap flush in %d exits: no exit tore its address space down (exit_mm must drop the task's user reference: mmput)", exits)
	t.Check(borrowed == flushes, "%d of %d exit_mmap flushes were made by a task still owning its mm: exit_mm sets the mm to nil before mmput", flushes-borrowed, flushes)
}

// testExitNoLeak: every reference exit_mm takes is given back — the user
// reference at once (mmput), the grabbed mm_count with the task's
// active_mm when it switches away for the last time — so after tasks exit
// the address spaces, frames and init_mm's count are what they were.
//
// On several CPUs an exited task's mm may live on as the active_mm of
// another CPU's idle task, and what that idle task borrows decides
// init_mm's count: every CPU lets go first (sched.LeaveLazyMMs), before
// and after.
func testExitNoLeak(t *ktest.T) {
	sched.LeaveLazyMMs(sched.HZ)
	live, free, count := mm.Live(), mm.Phys.Free, mm.InitMM.Count
	for i := 0; i < exitRounds; i++ {
		a, b := spawnYielders(t, false, 3)
		if a == nil || !waitGone(t, a, b) {
			return
		}
	}
	t.Check(sched.LeaveLazyMMs(sched.HZ), "a CPU did not let go of its borrowed mm")
	t.Check(mm.Live() == live, "%d address spaces alive after %d exits, %d before: an exiting task's mm is never freed", mm.Live(), 2*exitRounds, live)
	t.Check(mm.Phys.Free == free, "%d frames free after %d exits, %d before", mm.Phys.Free, 2*exitRounds, free)
	t.Check(mm.InitMM.Count == count, "init_mm's mm_count is %d after %d exits, %d before", mm.InitMM.Count, 2*exitRounds, count)
}
