// Package inject forces preemptions at the race window, on any x86.
//
// The natural reproducer needs a timer interrupt to land on the one
// instruction between `mov %cr3,%reg` and `mov %reg,%cr3`, which only
// QEMU's -icount mode delivers (default TCG takes interrupts only at
// translation-block ends; docs/qemu-and-the-window.md).
// Here the CPU's own debug registers put an instruction breakpoint on the
// CR3 write of each flush primitive. The #DB handler treats a hit as a
// preemption point: with a seeded probability it sets need_resched, and
// the trap's way out preempts exactly as the timer path would — only if
// preempt_count is zero. In the fixed variant every injection therefore
// lands inside preemptDisable and is refused (deferred to preemptEnable,
// after the write). This is DataCollider's breakpoint idea (OSDI 2010)
// applied to a register race.
package inject

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/spin"
	"tlbrace/kernel/trap"
)

// DR7 fields: Intel SDM Vol. 3B §18.2.4, Figure 18-1. R/Wn = 00 and
// LENn = 00 (the zero bits) make breakpoint n an instruction breakpoint.
const (
	dr7L0 = 1 << 0 // local enable, breakpoint 0
	dr7L1 = 1 << 2 // local enable, breakpoint 1
	dr7LE = 1 << 8 // exact breakpoints (recommended with any enable)
	dr7GE = 1 << 9
	dr6B0 = 1 << 0 // DR6: breakpoint 0 was hit
	dr6B1 = 1 << 1
)

var (
	percent uint32
	rnd     sched.Rand
	// userDebug handled #DB before the first Arm: the user-exception handler,
	// for a #DB that ring 3 raised itself.
	userDebug trap.Handler

	// Injections counts hits turned into a reschedule request.
	Injections uint64
	// Refused counts injections that found preemption disabled (the
	// fixed flush deferring the reschedule past its CR3 write) or
	// interrupts off (a flush inside an interrupts-off section).
	Refused uint64
)

// Start seeds the injector and arms it with probability p (inject= at boot).
func Start(p uint32, seed uint64) {
	Seed(seed)
	Arm(p)
}

// Seed restarts the injector's random choices from seed: two runs seeded
// alike see the same sequence of choices (the race demo's racy and fixed
// runs).
func Seed(seed uint64) {
	flags := asm.SaveFlagsCli()
	rndLock.Acquire()
	rnd = sched.NewRand(seed, 3)
	rndLock.Release()
	asm.RestoreFlags(flags)
}

// The debug registers are per CPU. Arm sets this CPU's at once and bumps
// a generation; every other CPU sets its own at its next tick (sync,
// through sched.EveryTick), so within a tick every CPU breaks on the
// windows — or none does.
var (
	generation atomic.Uint32
	armedGen   [rt.MaxCPUs]uint32 // the generation each CPU's registers hold
	rndLock    = spin.Lock{Name: "inject"}
)

// Arm puts the breakpoints on the flush windows' CR3 writes and preempts
// there with probability p percent; p = 0 takes them off. Workloads arm
// and disarm it through kernel/hooks.
func Arm(p uint32) {
	percent = p
	if h := trap.HandlerOf(trap.VecDebug); h != nil && !started {
		userDebug = h
	}
	started = true
	trap.Register(trap.VecDebug, onDebug)
	sched.EveryTick = sync
	generation.Add(1)
	flags := asm.SaveFlagsCli()
	sync()
	asm.RestoreFlags(flags)
}

// sync writes this CPU's debug registers if they are older than the
// injector's state (interrupts off).
func sync() {
	cpu := rt.CPUIndex()
	gen := generation.Load()
	if armedGen[cpu] == gen {
		return
	}
	armedGen[cpu] = gen
	if percent == 0 {
		asm.WriteDR7(0)
		return
	}
	w := asm.Windows()
	asm.WriteDR(0, w.WriteLocal)
	asm.WriteDR(1, w.WriteGlobal)
	asm.WriteDR6(0)
	asm.WriteDR7(dr7L0 | dr7L1 | dr7LE | dr7GE)
}

// Percent is the injection probability in force (0: off).
func Percent() uint32 { return percent }

// started: Arm took the #DB vector over once already.
var started bool

// onDebug is the #DB handler.
func onDebug(f *trap.Frame, g *rt.G) {
	dr6 := asm.ReadDR6()
	asm.WriteDR6(0)
	// The breakpoints are on kernel code: a #DB from ring 3 is the task's
	// own (EFLAGS.TF single-stepping, ICEBP), and kills it like any other
	// exception — it used to oops the kernel (found by the fuzzer,
	// inject=50).
	if f.FromUser() && userDebug != nil {
		userDebug(f, g)
		return
	}
	if dr6&(dr6B0|dr6B1) == 0 {
		trap.Oops(f, g, "unexpected debug exception")
		return
	}
	// Resume flag: IRET back to the breakpointed instruction must not
	// trap again on it (SDM Vol. 3B §18.3.1.1).
	f.Flags |= asm.FlagRF
	rndLock.Acquire() // one generator for every CPU: the seed's sequence
	draw := rnd.Intn(100)
	rndLock.Release()
	if draw >= percent {
		return
	}
	atomic.AddUint64(&Injections, 1)
	t := sched.Current()
	if t.Preempt.Count != 0 || f.Flags&asm.FlagIF == 0 {
		atomic.AddUint64(&Refused, 1) // preemption disabled, or interrupts off: preemptIRQ will not switch
	}
	t.Preempt.NeedResched = true // preemptIRQ decides, exactly as for a tick
}
