package sched

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/trace"
	"tlbrace/kernel/trap"
)

// Preemption: CONFIG_PREEMPT's two ways into schedule() against the
// running task's will — on the way out of an interrupt (preemptIRQ), and
// when preempt_enable finds a reschedule it had to hold back
// (preemptSchedule). This is where the race's step 2 happens (README,
// "A detected lockup, step by step"): a kernel thread interrupted between
// its CR3 read and its CR3 write is switched away from, holding the value
// it read.

var (
	// PreemptionsInWindow counts preemptions of a task interrupted between
	// the CR3 read and the CR3 write of a flush: the race itself.
	PreemptionsInWindow uint64
	// WindowMigrations counts the SMP edition: a task preempted in the
	// window on one CPU resumed on another, where it writes back the CR3
	// value it read on the first.
	WindowMigrations uint64
	// Windows are the flush windows (asm.Windows), read once.
	Windows asm.FlushWindows
)

// preemptIRQ is CONFIG_PREEMPT's "preempt on return from interrupt", run
// by the trap path on the interrupted task's stack with interrupts off.
// Kernel or user mode alike: if the timer asked for a reschedule and the
// task is not inside preemptDisable, switch now — even if it was
// interrupted between `mov %cr3,%reg` and `mov %reg,%cr3`. Either way the
// tick, if one is open, ends when a task runs again (overhead.go) — or,
// when preempt_count holds the preemption back, at the switch its
// preempt_enable makes (deferTick).
func preemptIRQ(f *trap.Frame) {
	if !started {
		return
	}
	if c := this(); c.leftover {
		c.leftover = false
		return // a leftover timer interrupt, no tick (timer.go)
	}
	if this().curr.exiting {
		doExit() // never returns (exit.go)
	}
	if preemptOnReturn(f) {
		deferTick(this())
		return
	}
	tickDone(this()) // this CPU's: the task may have come back on another
}

// preemptOnReturn preempts the interrupted task if the timer asked for it
// and the task may be preempted. It reports whether the timer's preemption
// was held back by preempt_count: the task goes on, to its preempt_enable,
// which switches.
func preemptOnReturn(f *trap.Frame) (deferred bool) {
	c := this()
	t := c.curr
	if !t.Preempt.NeedResched {
		return false
	}
	if t.Preempt.Count != 0 {
		// preempt_enable will reschedule, and count it (preempt.Deferred)
		return f.Vector == trap.VecTimer
	}
	if f.Flags&asm.FlagIF == 0 {
		return false // an exception (the injector's #DB) inside an interrupts-off section: not preemptible either
	}
	if t.State == Running {
		t.Preemptions++
		atomic.AddUint64(&Preemptions, 1)
		if f.Vector == trap.VecTimer {
			c.preemptTSC = c.tickTSC // measure from the timer interrupt's handler
		}
		if Windows.InWindow(f.IP) {
			// README step 2: preempted inside the flush window.
			atomic.AddUint64(&PreemptionsInWindow, 1)
			t.inWindow, t.windowValue, t.windowFrame = true, f.AX, f // asm/tlb_*.s reads CR3 into AX
			t.windowCPU = c.id
			if trace.Enabled {
				// B says what preempted it: the timer, or a breakpoint (inject=).
				trace.Add(trace.PreemptWindow, t.ID, int(f.Vector), t.ActiveMM.IDOrNone(), f.AX, 0)
			}
		}
	}
	schedule()
	return false
}

// preemptSchedule is preempt_schedule(): preempt_enable found a pending
// reschedule when the count dropped to zero.
func preemptSchedule() {
	flags := asm.SaveFlagsCli()
	this().curr.Preemptions++
	asm.RestoreFlags(flags)
	atomic.AddUint64(&Preemptions, 1)
	schedule()
}

// The cost of a preemptive switch, for `make bench` (bench=switch). Each
// CPU's preemptTSC is when its current preemption started (0: none
// pending): finishTaskSwitch measures the switch from it.
var (
	// SwitchCycles and SwitchesMeasured total the TSC cycles of
	// timer-driven preemptive switches: from the start of the timer
	// handler (after the entry stub saved the registers and FXSAVE area)
	// to the next task running on its own stack.
	SwitchCycles, SwitchesMeasured uint64
)

// measureSwitch ends the measurement of a preemptive switch, if one is
// pending; finishTaskSwitch calls it on the new task's stack.
func measureSwitch(c *cpuState) {
	if c.preemptTSC != 0 {
		atomic.AddUint64(&SwitchCycles, asm.Rdtsc()-c.preemptTSC)
		atomic.AddUint64(&SwitchesMeasured, 1)
		c.preemptTSC = 0
	}
}
