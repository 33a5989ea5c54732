package sched

import (
	"tlbrace/asm"
	"tlbrace/kernel/smp"
)

// Each CPU has an idle task that runs when nothing else can. It is a
// kernel thread like any other (it borrows the last active_mm), but never
// queued: pickNext falls back to it when nothing may run on its CPU.

// startIdle creates the boot CPU's idle task; PrepareCPU makes the
// others' (an application processor starts as its idle task).
func startIdle(c *cpuState) {
	flags := asm.SaveFlagsCli()
	rqLock.Acquire()
	t := allocTask("idle")
	t.fn = idleLoop
	prepareStack(t)
	t.State, t.Allowed = Runnable, 1<<c.id
	rqLock.Release()
	asm.RestoreFlags(flags)
	c.idle = t
}

// idleLoop halts until an interrupt, then lets the scheduler look: when
// need_resched is set (a tick, a reschedule IPI) or there is work this
// CPU may take. Halting with interrupts on is one atomic STI;HLT.
func idleLoop(uintptr) {
	for {
		asm.Cli()
		if c := this(); c.curr.Preempt.NeedResched || work(c) {
			schedule()
		}
		if c := this(); c.leaveLazy.Load() {
			LeaveMM() // on the idle task: it is what runs here now
			c.leaveLazy.Store(false)
		}
		asm.StiHlt()
	}
}

// work reports whether some run queue holds a task c may run (a hint,
// read without the lock: schedule looks again under it).
func work(c *cpuState) bool {
	if c.rq.Len() > 0 {
		return true
	}
	for i := range cpus {
		o := &cpus[i]
		if o == c || !o.online {
			continue
		}
		for j := 0; j < o.rq.Len(); j++ {
			if allowed(&tasks[o.rq.At(j)], c.id) {
				return true
			}
		}
	}
	return false
}

// LeaveLazyMMs makes every online CPU let go of the address space its
// lazy-TLB task borrows — the caller's CPU by LeaveMM, each other CPU's
// idle task when it next looks (a reschedule IPI wakes it) — and waits up
// to timeout ticks for them. It reports whether all did.
//
// Only a running kernel thread holds a borrowed mm (one switched away
// gives it up, contextSwitch (c)), and with nothing else to run a CPU runs
// its idle task: once the workload's tasks are gone, an exited program's
// mm can stay alive on another CPU only as its idle task's active_mm.
// What the caller borrows must go first: a CPU it leaves lends its
// active_mm to the idle task that follows. A CPU that never goes idle (a
// task that still runs there) does not answer: the caller's leak check
// then sees that task's mm, honestly.
func LeaveLazyMMs(timeout uint64) bool {
	LeaveMM()
	flags := asm.SaveFlagsCli()
	me := this().id
	for i := range cpus {
		if c := &cpus[i]; c.online && i != me {
			c.leaveLazy.Store(true)
			smp.SendIPI(i, VecResched)
		}
	}
	asm.RestoreFlags(flags)
	for waited := uint64(0); ; waited++ {
		pending := false
		for i := range cpus {
			if c := &cpus[i]; c.online && c.leaveLazy.Load() {
				pending = true
			}
		}
		if !pending {
			break
		}
		if waited >= timeout {
			return false
		}
		Sleep(1)
	}
	// The caller may have moved meanwhile, borrowing from an idle task
	// that had not let go yet (it took the mm back when the caller slept
	// again, then let go): normally a no-op.
	LeaveMM()
	return true
}
