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
		c.tickStart = 0
		arm(c) // the next tick comes after a full interval of task time
	}
}
