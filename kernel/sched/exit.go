package sched

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trace"
)

// do_exit for a user task: the exit system call and fatal faults end here
// (ExitFromTrap marks the task; preemptIRQ calls doExit as the trap
// returns, on the task's own kernel stack).
//
// It runs with interrupts on and preemption enabled, as Linux's do_exit
// does, and that is the 2016 recurrence of the race (commit
// 5cf0791da5c1): exit_mm sets the task's mm to nil while its active_mm
// still points at the old mm — from that moment it borrows, exactly like a
// lazy kernel thread, and a switch away and back lends it whatever address
// space ran meanwhile — and then mmput tears the old mm down and flushes
// the TLB (exit_mmap, kernel/mm/teardown.go). Preempted between that
// flush's CR3 read and its CR3 write, the task comes back borrowing
// another task's mm and writes its dying mm's page table into CR3; when it
// then switches to the task that owns the mm it borrows, switch_mm(prev ==
// next) skips the reload and that task returns to user space on the dying
// page tables, faulting forever. Those tables are being freed: the last
// reference goes at the end of the teardown, with CR3 still pointing at
// them (mm.Drop's FREED-PGD check).

// Exits counts user tasks that went through do_exit.
var Exits uint64

// doExit is do_exit(): exit_mm, then the final schedule as a dead task.
// Interrupts are off on entry (the trap's return path); the end of the tick
// that brought us here, if any, is when the task goes on running.
func doExit() {
	c := this()
	t := c.curr
	t.exiting, t.inExit = false, true
	tickDone(c)
	atomic.AddUint64(&Exits, 1)
	trace.Add(trace.Exit, t.ID, 0, t.ActiveMM.IDOrNone(), uintptr(t.ExitCode), asm.ReadCR3())
	asm.Sti() // do_exit is preemptible (and may move to another CPU: c is stale from here on)
	exitMMLazy(t)
	asm.Cli()
	t.State = Dead // schedule() hands it to the task switched to, which reaps it
	schedule()
	Bug("a dead task was scheduled")
	rt.Halt()
}

// exitMMLazy is exit_mm() in the preemptible exit path: mmgrab keeps the
// struct (and its page tables) alive as the task's active_mm, the task's
// mm becomes nil — a borrower from now on — and mmput drops the user
// reference, which tears the mappings down and flushes (mm.Put). The
// grabbed reference goes with the task's active_mm: at the switch away
// from it (finishTaskSwitch), as for any borrower.
func exitMMLazy(t *Task) {
	m := t.MM
	if m == nil {
		return
	}
	// From here on it borrows (for the racy flush's accounting: the
	// teardown's flushes below are Ingo's "unguarded lazy" ones).
	t.Preempt.Borrowing = true
	//lab:exit begin
	m.Grab()
	t.MM = nil
	trace.Add(trace.ExitMM, t.ID, 0, m.ID, 0, asm.ReadCR3())
	m.Put()
	//lab:exit stub
	//// LAB exit (docs/labs/exit.md): give the dying task's address space
	//// up as exit_mm() does, in an order that keeps its page tables alive
	//// while this task still runs on them: the task must be a borrower
	//// (mm nil, active_mm the old mm, holding an mm_count reference) by
	//// the time the last user reference goes and exit_mmap flushes.
	//_ = m
	//lab:exit end
}
