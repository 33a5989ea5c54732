package sched

import (
	"sync/atomic"

	"tlbrace/asm"
)

// Tick overhead: the guest time from the start of a timer interrupt's
// handler to the moment a task runs again — the handler, schedule() and
// the switch it causes. Tasks get only what is left of each tick. Under
// QEMU's -icount, guest time is counted in instructions; with the adaptive
// shift (shift=auto) a host that falls behind makes every instruction
// worth more guest time, so a tick holds fewer and fewer instructions
// until this overhead eats nearly all of it and the tasks starve, although
// the kernel is fine. The stress watchdog uses the figure to tell a
// starved task from a hung one.

// TickCycles totals the TSC cycles spent in timer ticks, from the handler's
// start to the next task running, on every CPU (each CPU keeps the start
// of its open tick in its cpuState.tickStart, 0 for none).
var TickCycles uint64

// tickDone closes the current tick's interval, if one is open. It runs
// where a task takes the CPU back: finishTaskSwitch (a switch happened)
// and the end of preemptIRQ (the interrupted task goes on).
func tickDone(c *cpuState) {
	if c.tickStart != 0 {
		atomic.AddUint64(&TickCycles, asm.Rdtsc()-c.tickStart)
		c.tickStart, c.tickDeferred = 0, false
		arm(c) // the next tick comes after a full interval of task time
	}
}

// deferTick keeps the tick open when its preemption was deferred: the
// interrupted task held preempt_count (a guarded flush, a spinlock) and
// runs on only to its preempt_enable, whose switch is this tick's work,
// not task time. Armed when the task went on, the next tick's countdown
// ran through that switch — a few hundred instructions, longer than the
// whole interval at the evidence shift — and came due at the next task's
// first interruptible instruction (after the popf of asm.RestoreFlags in
// schedule(), or the switch's tail: 9 % of a guarded stress run's ticks,
// none of them among the tasks' instructions). So the tick closes at the deferred switch instead
// (finishTaskSwitch, or schedule picking the task again), which arms the
// next one, and what is armed here is a backstop, deferBackstop
// intervals long: a task that stays in its preemption-off section, or
// never calls preempt_enable, still gets a tick from it and, deferred
// again, the usual interval from then on. (Stopping the backstop at the
// switch would cost a timer write of its own, as dear as the arm under
// -icount; one that runs out during the switch anyway leaves a leftover
// interrupt, which tick recognises: timer.go.)
func deferTick(c *cpuState) {
	switch {
	case c.tickStart == 0:
	case c.tickDeferred: // the backstop came due: a long preemption-off section
		arm(c)
	default:
		c.tickDeferred = true
		armFor(c, MeanCount*deferBackstop)
	}
}

// deferBackstop is the backstop of a deferred tick, in mean intervals:
// at the evidence shift an interval is ~200 instructions, a switch ~600,
// and with 8 intervals one guarded stress run in a hundred still ran a
// backstop out (leftover_ticks in its STAT lines); with 16 none did.
const deferBackstop = 16
