package sched

import "tlbrace/asm"

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
