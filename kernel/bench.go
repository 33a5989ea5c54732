package kernel

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/sched"
)

// Measurements selected by bench= instead of a workload. `make bench`
// (tools/stressbench) runs them under qemu.sh --shift 0, where a TSC tick
// is one guest instruction, and reads their BENCH lines.

// benchSwitchTicks is how long bench=switch lets its spinners run.
const benchSwitchTicks = 50

// benchSwitch measures a preemptive context switch: two CPU-bound kernel
// threads preempted at every tick, each switch timed from the start of the
// timer handler (after the entry stub saved the registers and FXSAVE
// area) to the next task running on its own stack (sched.SwitchCycles).
func benchSwitch() {
	c0, n0 := sched.SwitchCycles, sched.SwitchesMeasured
	stopSpin.Store(false)
	a := sched.Spawn("spin-a", spinner, 0)
	b := sched.Spawn("spin-b", spinner, 1)
	sched.Sleep(benchSwitchTicks)
	stopSpin.Store(true)
	sched.WaitGone(sched.HZ, a, b)
	n := sched.SwitchesMeasured - n0
	if n == 0 {
		console.Print("BENCH switch_cost failed: no preemptive switch was measured\n")
		rt.Exit(rt.ExitTestFailed)
	}
	console.Printf("BENCH switch_cost insns=%d switches=%d (TSC cycles per switch: instructions under qemu.sh --shift 0)\n",
		(sched.SwitchCycles-c0)/n, n)
}
