package sched

import (
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trace"
)

// The mm side of a context switch, all of it: Linux 2.6.10's
// context_switch() (kernel/sched.c) with i386 switch_mm() and
// enter_lazy_tlb() (include/asm-i386/mmu_context.h), finish_task_switch(),
// and leave_mm(). The steps of contextSwitch are lettered (a) to (f), so
// as not to be confused with the numbered steps of the race in the README
// ("A detected lockup, step by step"); "README step N" marks where the
// race passes through them. The only CR3 writes are in kernel/mm/tlb.go:
// mm.LoadCR3 here, and the flushes' write-back.

var (
	// CR3 loads done by switchMM, and switches that needed none.
	CR3Writes, CR3Skips uint64
	// LazyBorrows counts enterLazyTLB: a kernel thread borrowed an mm.
	LazyBorrows uint64
	// prevMM is the runqueue's rq->prev_mm: the active_mm a kernel thread
	// gave up, dropped after the switch (finish_task_switch).
	prevMM *mm.MM
	// prevDead is a task that died running, reaped after the switch.
	prevDead *Task
	// CheckCR3 enables the CONFIG_DEBUG_VM-style check at every switch
	// that CR3 holds what the scheduler believes (checkcr3=on).
	CheckCR3 bool
	// OnCR3Mismatch is told when that check fails.
	OnCR3Mismatch func(prev, next *Task, cr3 uintptr)
)

// contextSwitch switches from prev to next. Interrupts are off.
func contextSwitch(prev, next *Task) {
	oldmm := prev.ActiveMM
	if mm.Selected == mm.Modern {
		debugVMCheck(prev, next) // CONFIG_DEBUG_VM, always on with flush=modern (tlbstate.go)
	}

	if next.MM == nil {
		// (a) A kernel thread has no address space of its own: it
		// borrows prev's (lazy TLB). No CR3 write: the kernel half is the
		// same in every page table. The scheduler now *believes* CR3
		// holds oldmm's page table — it never looks. (README steps 1, 4
		// and 5: kflush borrows; whatever CR3 holds, it keeps.)
		//lab:lazy begin
		next.ActiveMM = oldmm
		oldmm.Grab()
		enterLazyTLB(oldmm, next)
		//lab:lazy stub
		//// LAB lazy (docs/labs/lazy.md): as it stands a kernel thread runs
		//// on init_mm, and every switch to it from a user task loads CR3.
		//// Let it borrow prev's address space instead (lazy TLB): the
		//// kernel half of every page table is the same.
		//next.ActiveMM = &mm.InitMM
		//mm.InitMM.Grab()
		//switchMM(oldmm, &mm.InitMM, next)
		//lab:lazy end
	} else {
		// (b) A user task gets its own mm. switchMM writes CR3 only
		// if oldmm differs from next.mm (README step 3). If a lazy thread
		// wrote a stale CR3 while borrowing next.mm, they are equal, CR3
		// is not reloaded, and next runs on the wrong page tables
		// (README step 5).
		switchMM(oldmm, next.MM, next)
		next.ActiveMM = next.MM
	}

	if prev.MM == nil {
		// (c) A kernel thread gives up what it borrowed; the run
		// queue drops the reference once we are off prev's stack, (f).
		//lab:lazy begin
		prev.ActiveMM = nil
		prevMM = oldmm
		//lab:lazy stub
		//// LAB lazy: prev's reference to what it ran on must be dropped,
		//// but not here: we still run on prev's stack.
		//prev.ActiveMM = nil
		//lab:lazy end
	}

	if trace.Enabled {
		trace.Add(trace.Switch, prev.ID, next.ID, next.ActiveMM.IDOrNone(), 0, asm.ReadCR3())
		if next.inWindow {
			// next was preempted between its CR3 read and write; the IRET
			// that resumes it executes the write with the value it read
			// back then, whatever active_mm it borrows now (README step 4).
			trace.Add(trace.ResumeWindow, next.ID, 0, next.ActiveMM.IDOrNone(), next.windowValue, 0)
		}
	}
	next.inWindow = false

	// (d) The debug check (checkcr3=on): does CR3 hold what the
	// scheduler believes? Linux 2.6.10 has none; this is how modern
	// CONFIG_DEBUG_VM would catch README step 6 at the switch itself.
	// (flush=modern checks before the switch instead, against loaded_mm.)
	if CheckCR3 && mm.Selected != mm.Modern && next.ActiveMM != nil {
		//lab:detect begin
		if cr3 := asm.ReadCR3(); cr3 != next.ActiveMM.Root {
			cr3Mismatch(prev, next, cr3)
		}
		//lab:detect stub
		//// LAB detect (docs/labs/detect.md): does CR3 hold the page table
		//// the scheduler believes next runs on? Tell cr3Mismatch if not.
		//lab:detect end
	}

	// (e) Switch stacks and registers (switch_to). Returns in next.
	prev.Switches++
	rt.SetKernelStack(next.G.StackHi)
	current = next
	preempt.SetCurrent(&next.Preempt)
	next.State = Running
	asm.Switch(&prev.SP, next.SP, uintptr(unsafe.Pointer(&next.G)))

	// (f) Now on next's stack, in next (or in taskEntry for a new task).
	finishTaskSwitch()
}

// switchMM is switch_mm(prev, next, tsk): load CR3 only when the address
// space changes. Switching page tables with interrupts on would let an
// interrupt see a half-switched task: a kernel bug. With flush=modern it
// is switch_mm_irqs_off: prev is loaded_mm, not the previous task's
// active_mm (tlbstate.go says why, and why that does not stop the race).
//
//audit:irqs-off switch_mm: called only by contextSwitch inside schedule()'s SaveFlagsCli section; the FlagIF check above enforces it at run time
func switchMM(prev, next *mm.MM, t *Task) {
	if asm.Flags()&asm.FlagIF != 0 {
		Bug("switch_mm with interrupts enabled")
	}
	tlbState.isLazy = false
	if mm.Selected == mm.Modern {
		prev = tlbState.loadedMM
	}
	//lab:lazy begin
	if prev == next {
		CR3Skips++ // the scheduler trusts that CR3 already holds next's table
		if trace.Enabled {
			trace.Add(trace.CR3Skip, t.ID, 0, next.ID, 0, asm.ReadCR3())
		}
		return
	}
	CR3Writes++
	loadMM(next)
	if trace.Enabled {
		trace.Add(trace.CR3Write, t.ID, 0, next.ID, 0, next.Root)
	}
	//lab:lazy stub
	//// LAB lazy: this loads CR3 at every switch, even between two tasks
	//// of one address space. Load it only when the mm changes (and
	//// count and trace the switches that need none: CR3Skips, CR3Skip).
	//CR3Writes++
	//loadMM(next)
	//if trace.Enabled {
	//	trace.Add(trace.CR3Write, t.ID, 0, next.ID, 0, next.Root)
	//}
	//lab:lazy end
}

// enterLazyTLB is enter_lazy_tlb(): on a uniprocessor, nothing to do but
// remember that this thread runs on a borrowed mm — and, as modern Linux
// does, mark the CPU lazy (tlbstate.go). No CR3 write, in any variant.
func enterLazyTLB(m *mm.MM, t *Task) {
	tlbState.isLazy = true
	//lab:lazy begin
	LazyBorrows++
	t.Borrows++
	if trace.Enabled {
		trace.Add(trace.Borrow, t.ID, 0, m.ID, 0, 0)
	}
	//lab:lazy stub
	//// LAB lazy: count the borrow (LazyBorrows, t.Borrows) and trace it
	//// (trace.Borrow): the reports and the race's explanation read them.
	//lab:lazy end
}

// finishTaskSwitch is finish_task_switch(), in the task we switched to,
// on its own stack: drop the mm a kernel thread gave up ((c) of
// contextSwitch), reap a
// task that died running (lifecycle.go).
func finishTaskSwitch() {
	tickDone() // overhead.go: the tick, if one is open, ends here
	measureSwitch()
	//lab:lazy begin
	if m := prevMM; m != nil {
		prevMM = nil
		m.Drop()
	}
	//lab:lazy stub
	//// LAB lazy: drop the reference a kernel thread gave up (prevMM),
	//// now that we are off its stack.
	//prevMM = nil
	//lab:lazy end
	if d := prevDead; d != nil {
		prevDead = nil
		d.State = Free
		TasksReaped++
	}
}

// LeaveMM makes the running kernel thread let go of whatever address
// space it borrows and run on init_mm (Linux x86: leave_mm), so that the
// next step starts from a known CR3.
//
//audit:irqs-off leave_mm: the CR3 load sits between SaveFlagsCli and RestoreFlags
func LeaveMM() {
	flags := asm.SaveFlagsCli()
	t := current
	if t.MM == nil && t.ActiveMM != &mm.InitMM {
		old := t.ActiveMM
		mm.InitMM.Grab()
		t.ActiveMM = &mm.InitMM
		loadMM(&mm.InitMM)
		if old != nil {
			old.Drop()
		}
	}
	asm.RestoreFlags(flags)
}
