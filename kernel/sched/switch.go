package sched

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trace"
)

// The mm side of a context switch, all of it: Linux 2.6.10's
// context_switch() (kernel/sched.c) with i386 switch_mm() and
// enter_lazy_tlb() (include/asm-i386/mmu_context.h), finish_task_switch(),
// and leave_mm(). The steps of contextSwitch are numbered; "README step N"
// marks where the race of the README's trace ("A detected lockup, step by
// step") passes through them. The only CR3 writes are in kernel/mm/tlb.go:
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

	if next.MM == nil {
		// Step 1: a kernel thread has no address space of its own: it
		// borrows prev's (lazy TLB). No CR3 write: the kernel half is the
		// same in every page table. The scheduler now *believes* CR3
		// holds oldmm's page table — it never looks. (README steps 1, 4
		// and 5: kflush borrows; whatever CR3 holds, it keeps.)
		next.ActiveMM = oldmm
		oldmm.Grab()
		enterLazyTLB(c, oldmm, next)
	} else {
		// Step 2: a user task gets its own mm. switchMM writes CR3 only
		// if oldmm differs from next.mm (README step 3). If a lazy thread
		// wrote a stale CR3 while borrowing next.mm, they are equal, CR3
		// is not reloaded, and next runs on the wrong page tables
		// (README step 6).
		switchMM(c, oldmm, next.MM, next)
		next.ActiveMM = next.MM
	}

	if prev.MM == nil {
		// Step 3: a kernel thread gives up what it borrowed; the run
		// queue drops the reference once we are off prev's stack (step 6).
		prev.ActiveMM = nil
		c.prevMM = oldmm
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
	next.inWindow = false

	// Step 4: the debug check (checkcr3=on): does CR3 hold what the
	// scheduler believes? Linux 2.6.10 has none; this is how modern
	// CONFIG_DEBUG_VM would catch README step 6 at the switch itself.
	if CheckCR3 && next.ActiveMM != nil {
		cr3 := asm.ReadCR3()
		// A kernel thread on a CPU that left its borrowed mm (mm.LeaveMM)
		// runs on the kernel's table by design.
		left := next.MM == nil && cr3 == mm.KernelRoot && next.ActiveMM.CPUMask()&(1<<c.id) == 0
		if cr3 != next.ActiveMM.Root && !left && OnCR3Mismatch != nil {
			OnCR3Mismatch(prev, next, cr3)
		}
	}

	// Step 5: switch stacks and registers (switch_to). Returns in next.
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

	// Step 6: now on next's stack, in next (or in taskEntry for a new
	// task) — and maybe on another CPU than the one that switched away
	// from it: c is stale, finishTaskSwitch looks again.
	finishTaskSwitch()
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
//	  State OK again; and if this CPU is no longer in next's mask, a
//	  shootdown made it leave next while lazy (LeaveMM: CR3 on the
//	  kernel's table, flushes for next no longer delivered): it must
//	  reload CR3, or it runs next's task on the kernel's table — or, had
//	  the leaving been skipped, on stale translations. Otherwise the
//	  scheduler trusts that CR3 already holds next's table — which a lazy
//	  thread's stale write-back can have broken (README step 6).
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
	if prev != next {
		prev.MaskClear(c.id)
		s.State, s.ActiveMM = mm.TLBOK, next
		next.MaskSet(c.id)
		CR3Writes++
		mm.LoadCR3(next)
		if trace.Enabled {
			trace.Add(trace.CR3Write, t.ID, 0, next.ID, 0, next.Root)
		}
		return
	}
	s.State = mm.TLBOK
	if s.ActiveMM != next {
		Bugf("switch_mm(mm %d, same): this CPU's cpu_tlbstate says mm %d", next.ID, s.ActiveMM.IDOrNone())
	}
	if !next.MaskTestAndSet(c.id) {
		// Lazy re-entry: a shootdown made this CPU leave next while a
		// kernel thread borrowed it.
		if mm.Shootdown == mm.ShootdownNoReload {
			atomic.AddUint64(&mm.MissedReloads, 1)
			if trace.Enabled {
				trace.Add(trace.NoReload, t.ID, 0, next.ID, 0, asm.ReadCR3())
			}
			return
		}
		atomic.AddUint64(&mm.LazyReloads, 1)
		CR3Writes++
		mm.LoadCR3(next)
		if trace.Enabled {
			trace.Add(trace.Reload, t.ID, 0, next.ID, 0, next.Root)
		}
		return
	}
	CR3Skips++ // the scheduler trusts that CR3 already holds next's table
	if trace.Enabled {
		trace.Add(trace.CR3Skip, t.ID, 0, next.ID, 0, asm.ReadCR3())
	}
}

// enterLazyTLB is enter_lazy_tlb(): a kernel thread borrows m on CPU c,
// which becomes lazy (cpu_tlbstate LAZY) — it stays in m's mask and
// keeps m's CR3, but a shootdown for m will make it leave m instead of
// flushing.
func enterLazyTLB(c *cpuState, m *mm.MM, t *Task) {
	if s := &mm.CPUTLB[c.id]; s.State == mm.TLBOK {
		s.State = mm.TLBLazy
	}
	LazyBorrows++
	t.Borrows++
	if trace.Enabled {
		trace.Add(trace.Borrow, t.ID, 0, m.ID, 0, 0)
	}
}

// finishTaskSwitch is finish_task_switch(), in the task we switched to,
// on its own stack, with rqLock held: the task switched away from is off
// this CPU now (another may pick it once the lock is free); drop the mm a
// kernel thread gave up (step 3), reap a task that died running
// (lifecycle.go), release the lock.
func finishTaskSwitch() {
	c := this()
	measureSwitch(c)
	if p := c.prev; p != nil {
		p.onCPU = false
		c.prev = nil
	}
	m := c.prevMM
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
	if m != nil {
		m.Drop()
	}
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
		if old != nil {
			old.MaskClear(c.id)
		}
		s := &mm.CPUTLB[c.id]
		s.State, s.ActiveMM = mm.TLBLazy, &mm.InitMM
		mm.InitMM.MaskSet(c.id)
		mm.LoadCR3(&mm.InitMM)
		if old != nil {
			old.Drop()
		}
	}
	asm.RestoreFlags(flags)
}
