package sched

import (
	"sync/atomic"

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
	// CheckCR3 enables the CONFIG_DEBUG_VM-style check at every switch
	// that CR3 holds what the scheduler believes (checkcr3=on).
	CheckCR3 bool
	// OnCR3Mismatch is told when that check fails.
	OnCR3Mismatch func(prev, next *Task, cr3 uintptr)
)

// contextSwitch switches CPU c from prev to next. Interrupts are off and
// rqLock is held; the task switched to releases it (finishTaskSwitch).
func contextSwitch(c *cpuState, prev, next *Task) {
	oldmm := prev.ActiveMM
	if mm.Selected == mm.Modern {
		debugVMCheck(c, prev, next) // CONFIG_DEBUG_VM, always on with flush=modern (tlbstate.go)
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
		enterLazyTLB(c, oldmm, next)
		//lab:lazy stub
		//// LAB lazy (docs/labs/lazy.md): as it stands a kernel thread runs
		//// on init_mm, and every switch to it from a user task loads CR3.
		//// Let it borrow prev's address space instead (lazy TLB): the
		//// kernel half of every page table is the same.
		//next.ActiveMM = &mm.InitMM
		//mm.InitMM.Grab()
		//switchMM(c, oldmm, &mm.InitMM, next)
		//lab:lazy end
	} else {
		// (b) A user task gets its own mm. switchMM writes CR3 only
		// if oldmm differs from next.mm (README step 3). If a lazy thread
		// wrote a stale CR3 while borrowing next.mm, they are equal, CR3
		// is not reloaded, and next runs on the wrong page tables
		// (README step 5).
		switchMM(c, oldmm, next.MM, next)
		next.ActiveMM = next.MM
	}

	if prev.MM == nil {
		// (c) A kernel thread gives up what it borrowed; the run
		// queue drops the reference once we are off prev's stack, (f).
		//lab:lazy begin
		prev.ActiveMM = nil
		c.prevMM = oldmm
		//lab:lazy stub
		//// LAB lazy: prev's reference to what it ran on must be dropped,
		//// but not here: we still run on prev's stack.
		//prev.ActiveMM = nil
		//lab:lazy end
	}

	if next.inWindow && next.windowCPU != c.id {
		// The SMP edition: preempted in the window on another CPU, next
		// writes that CPU's old CR3 value here.
		atomic.AddUint64(&WindowMigrations, 1)
	}
	if trace.Enabled {
		trace.Add(trace.Switch, prev.ID, next.ID, next.ActiveMM.IDOrNone(), 0, asm.ReadCR3())
		if next.inWindow {
			// next was preempted between its CR3 read and write; the IRET
			// that resumes it executes the write with the value it read
			// back then, whatever active_mm it borrows now — on whatever
			// CPU it resumes (README step 4). B is the CPU it was
			// preempted on.
			trace.Add(trace.ResumeWindow, next.ID, next.windowCPU, next.ActiveMM.IDOrNone(), next.windowValue, 0)
		}
	}
	if next.inWindow {
		// Its mm may have died while it was away (freedroot.go): after
		// the trace, so that the record comes before a detection's dump.
		guardFreedRoot(next, asm.ReadCR3())
	}
	next.inWindow, next.windowFrame = false, nil

	// (d) The debug check (checkcr3=on): does CR3 hold what the
	// scheduler believes? Linux 2.6.10 has none; this is how modern
	// CONFIG_DEBUG_VM would catch README step 6 at the switch itself.
	// (flush=modern checks before the switch instead, against loaded_mm.)
	// A kernel thread on a CPU that left the mm it borrows (mm.LeaveMM: a
	// shootdown, or its own flush of that mm) runs on the kernel's table
	// by design: nothing to check.
	if CheckCR3 && mm.Selected != mm.Modern && next.ActiveMM != nil && !leftLazily(c, next) {
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
	c.Switches++
	if next == c.idle {
		c.Idle++
	}
	if next.CPU != c.id {
		next.Migrations++
		atomic.AddUint64(&Migrations, 1)
		next.CPU = c.id
	}
	rt.SetKernelStack(next.G.StackHi)
	c.prev, c.curr = prev, next
	next.State, next.onCPU = Running, true
	asm.Switch(&prev.SP, next.SP, rt.TLSWord(&next.G))

	// (f) Now on next's stack, in next (or in taskEntry for a new task) —
	// and maybe on another CPU than the one that switched away from it: c
	// is stale, finishTaskSwitch looks again.
	finishTaskSwitch()
}

// leftLazily reports whether next is a kernel thread on CPU c, which left
// the mm it borrows (mm.LeaveMM: out of its cpu_vm_mask, CR3 on the
// kernel's own table).
func leftLazily(c *cpuState, next *Task) bool {
	return next.MM == nil && next.ActiveMM.CPUMask()&(1<<c.id) == 0 && asm.ReadCR3() == mm.KernelRoot
}

// switchMM is switch_mm(prev, next, tsk) on CPU c, Linux 2.6.10's i386
// version with its two branches. The order of the steps is what makes a
// concurrent shootdown either reach this CPU or be unnecessary
// (arch/i386/kernel/smp.c explains it at length):
//
//	prev != next: leave prev's cpu_vm_mask (flush IPIs for prev stop;
//	  one in flight finds active_mm changed and is ignored), state OK,
//	  active_mm = next, join next's mask (IPIs for next start), load CR3.
//	prev == next: the CPU ran next lazily (a kernel thread borrowed it).
//	  State OK again; and if this CPU is no longer in next's mask, it
//	  reloads CR3 (lazyReentry). Otherwise the scheduler trusts that CR3
//	  already holds next's table — which a lazy thread's stale
//	  write-back can have broken (README step 5).
//
// With flush=modern it is switch_mm_irqs_off: prev is this CPU's
// loaded_mm, not the previous task's active_mm (tlbstate.go says why, and
// why that does not stop the race); a CPU that left next has init_mm
// loaded, so it reloads.
//
// Switching page tables with interrupts on would let an interrupt see a
// half-switched task: a kernel bug.
//
//audit:irqs-off switch_mm: called only by contextSwitch inside schedule()'s SaveFlagsCli section; the FlagIF check above enforces it at run time
func switchMM(c *cpuState, prev, next *mm.MM, t *Task) {
	if asm.Flags()&asm.FlagIF != 0 {
		Bug("switch_mm with interrupts enabled")
	}
	s := &mm.CPUTLB[c.id]
	s.State = mm.TLBOK // (modern: is_lazy = false)
	if mm.Selected == mm.Modern {
		prev = s.LoadedMM
	}
	if prev == next && lazyReentry(c, next, t) {
		return
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
	loadMM(c, prev, next)
	if trace.Enabled {
		trace.Add(trace.CR3Write, t.ID, 0, next.ID, 0, next.Root)
	}
	//lab:lazy stub
	//// LAB lazy: this loads CR3 at every switch, even between two tasks
	//// of one address space. Load it only when the mm changes (and
	//// count and trace the switches that need none: CR3Skips, CR3Skip).
	//CR3Writes++
	//loadMM(c, prev, next)
	//if trace.Enabled {
	//	trace.Add(trace.CR3Write, t.ID, 0, next.ID, 0, next.Root)
	//}
	//lab:lazy end
}

// lazyReentry is switch_mm's prev == next branch on several CPUs: the CPU
// ran next lazily (a kernel thread borrowed it). If this CPU is no longer
// in next's mask, a shootdown made it leave next while lazy (LeaveMM: CR3
// on the kernel's table, flushes for next no longer delivered): it must
// reload CR3, or it runs next's task on the kernel's table — or, had the
// leaving been skipped, on stale translations. lazyReentry reloads (or,
// under shootdown=noreload, counts the reload it does not do) and reports
// true; false when the CPU is still in the mask and the caller may trust
// CR3.
func lazyReentry(c *cpuState, next *mm.MM, t *Task) bool {
	if s := &mm.CPUTLB[c.id]; s.ActiveMM != next {
		Bugf("switch_mm(mm %d, same): this CPU's cpu_tlbstate says mm %d", next.ID, s.ActiveMM.IDOrNone())
	}
	if next.MaskTestAndSet(c.id) {
		return false
	}
	if mm.Shootdown == mm.ShootdownNoReload {
		atomic.AddUint64(&mm.MissedReloads, 1)
		if trace.Enabled {
			trace.Add(trace.NoReload, t.ID, 0, next.ID, 0, asm.ReadCR3())
		}
		return true
	}
	atomic.AddUint64(&mm.LazyReloads, 1)
	CR3Writes++
	loadMM(c, nil, next)
	if trace.Enabled {
		trace.Add(trace.Reload, t.ID, 0, next.ID, 0, next.Root)
	}
	return true
}

// enterLazyTLB is enter_lazy_tlb(): a kernel thread borrows m on CPU c,
// which becomes lazy (cpu_tlbstate LAZY; modern Linux's is_lazy) — it
// stays in m's mask and keeps m's CR3, but a shootdown for m will make it
// leave m instead of flushing. No CR3 write, in any variant.
func enterLazyTLB(c *cpuState, m *mm.MM, t *Task) {
	if s := &mm.CPUTLB[c.id]; s.State == mm.TLBOK {
		s.State = mm.TLBLazy
	}
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
// on its own stack, with rqLock held: the task switched away from is off
// this CPU now (another may pick it once the lock is free); reap a task
// that died running (lifecycle.go), release the lock, and drop the mm a
// kernel thread gave up ((c) of contextSwitch).
func finishTaskSwitch() {
	c := this()
	measureSwitch(c)
	if p := c.prev; p != nil {
		p.onCPU = false
		c.prev = nil
	}
	m := c.prevMM // rq->prev_mm, handed over by (c); nil if prev was no kernel thread
	c.prevMM = nil
	if d := c.prevDead; d != nil {
		c.prevDead = nil
		d.onCPU = false
		d.State = Free
		atomic.AddUint64(&TasksReaped, 1)
	}
	rqLock.Release()
	// The tick, if one is open, ends here (overhead.go) — after the lock
	// is free: under -icount, arming the timer hands the host thread to
	// the other vCPUs, which must not find the run queues locked.
	tickDone(c)
	//lab:lazy begin
	if m != nil {
		m.Drop()
	}
	//lab:lazy stub
	//// LAB lazy: drop the reference a kernel thread gave up (m, taken
	//// from c.prevMM above), now that we are off its stack.
	//_ = m
	//lab:lazy end
}

// ReloadCR3 loads CR3 with the running task's active_mm, whatever CR3
// held: a racy run's flusher, killed at its end, may have written a stale
// value (of an mm now freed), and without this the next run would start
// from a freed page table (the stress and explore workloads' teardown).
// Preemption is off from reading active_mm to the load, for the race this
// kernel is about.
func ReloadCR3() {
	preempt.Disable()
	if m := Current().ActiveMM; m != nil {
		mm.LoadCR3(m)
	}
	preempt.Enable()
}

// LeaveMM makes the running kernel thread let go of whatever address
// space it borrows and run on init_mm — its active_mm too, not only this
// CPU's TLB state as mm.LeaveMM (Linux's leave_mm) does — so that the
// next step starts from a known CR3.
//
//audit:irqs-off leave_mm: the CR3 load sits between SaveFlagsCli and RestoreFlags
func LeaveMM() {
	flags := asm.SaveFlagsCli()
	c := this()
	t := c.curr
	if t.MM == nil && t.ActiveMM != &mm.InitMM {
		old := t.ActiveMM
		mm.InitMM.Grab()
		t.ActiveMM = &mm.InitMM
		mm.CPUTLB[c.id].State = mm.TLBLazy
		loadMM(c, old, &mm.InitMM)
		if old != nil {
			old.Drop()
		}
	}
	asm.RestoreFlags(flags)
}
