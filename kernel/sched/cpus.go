package sched

import (
	"tlbrace/asm"
	"tlbrace/kernel/rt"
)

// PrepareCPU gives application processor cpu the idle task it starts as:
// kernel/smp starts the processor on this task's stack with its g, and
// the processor enters RunCPU without a switch, as the boot thread became
// task 0.
func PrepareCPU(cpu int) (g *rt.G, stackTop uintptr) {
	flags := asm.SaveFlagsCli()
	defer asm.RestoreFlags(flags)
	t := allocTask("idle")
	t.State = Running
	return &t.G, t.G.StackHi
}

// RunCPU is an application processor's life once it is set up: it idles
// with interrupts off until the scheduler runs tasks on it.
func RunCPU(cpu int) {
	for {
		asm.Cli()
		asm.Hlt()
	}
}
