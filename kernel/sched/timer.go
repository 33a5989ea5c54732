package sched

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/apic"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trap"
)

// The scheduler tick: a local APIC one-shot re-armed with a jittered
// count around the mean interval (1/hz), uniformly in [mean/2, 3*mean/2).
//
// The interval is task time: the one-shot is armed when a task takes the
// CPU back after a tick (tickDone), not when the tick starts. However long
// the handler and the switch take, the next task runs for a full jittered
// interval before the next tick, so interrupts land uniformly on the
// tasks' instructions and no tick rate, no QEMU speed can livelock the
// kernel in its own timer handler. (Arming at the start of the handler, a
// tick shorter than the handler would find the next one already pending
// at its IRET, forever.)

var (
	// Ticks counts the boot CPU's timer interrupts since StartTimer: the
	// kernel's clock (Linux's jiffies), by which tasks sleep and
	// workloads measure. Every CPU ticks; cpuState.Ticks counts each.
	Ticks uint64
	// WindowHits counts timer interrupts, on any CPU, that landed inside
	// a flush window (the interrupted instruction is the CR3 write).
	WindowHits uint64
	// LAPICHz is the calibrated APIC timer rate; MeanCount the mean reload.
	LAPICHz   uint64
	MeanCount uint32

	// timerSeed seeds each CPU's jitter (stream 1 on the boot CPU, as
	// before there were others).
	timerSeed uint64

	// OnTick runs at every tick of the boot CPU after the bookkeeping
	// (stress watchdog).
	OnTick func(f *trap.Frame)
	// EveryTick runs at every tick of every CPU: per-CPU state that
	// follows a global setting (kernel/inject's debug registers).
	EveryTick func()
)

// UsingPIT reports that the tick comes from the PIT (no local APIC).
var UsingPIT bool

// The tick source's acknowledge and one-shot arm, chosen once by
// StartTimer: the local APIC's, or the PIT's.
var (
	eoi      func()
	armCount func(count uint32)
)

// StartTimer calibrates the local APIC timer, installs the tick handler
// and arms the first tick. Without a local APIC it falls back to the PIT.
func StartTimer(hz, seed uint64) {
	picDisable()
	timerSeed = seed
	c := this()
	c.jitter = NewRand(seed, 1)
	trap.Register(trap.VecTimer, tick)
	if !HasLAPIC() {
		UsingPIT = true
		eoi, armCount = pitEOI, pitArm
		MeanCount = uint32(pitHz / hz)
		if MeanCount < 4 {
			MeanCount = 4
		}
		if MeanCount > 0xffff*2/3 {
			MeanCount = 0xffff * 2 / 3 // mean + 50 % must fit 16 bits
		}
		pitEnable()
		arm(c)
		return
	}
	eoi, armCount = lapicEOIWrite, lapicArm
	apic.Enable(trap.VecSpurious)
	LAPICHz = calibrateLAPIC()
	apic.TimerOneShot(trap.VecTimer)
	mean := LAPICHz / hz
	if mean < 64 {
		mean = 64
	}
	if mean > 0x7fffffff {
		mean = 0x7fffffff
	}
	MeanCount = uint32(mean)
	trap.Register(trap.VecSpurious, ignore)
	trap.Register(trap.VecResched, onResched)
	arm(c)
}

// ignore handles spurious APIC interrupts: no EOI, nothing to do (SDM Vol. 3A §11.9).
func ignore(*trap.Frame, *rt.G) {}

// arm starts c's next tick's jittered countdown (on CPU c).
func arm(c *cpuState) { armFor(c, MeanCount/2+c.jitter.Intn(MeanCount)) }

// armFor starts c's countdown of n counts and notes, in TSC cycles, when
// it runs out at the earliest (the TSC is read before the countdown
// starts): what tick checks for a leftover interrupt.
func armFor(c *cpuState, n uint32) {
	c.tickDue = asm.Rdtsc() + uint64(n)*tscPerCount>>16
	armCount(n)
}

// tscPerCount is the TSC cycles per LAPIC timer count, 16.16 fixed point,
// measured with the rate (calibrateLAPIC); 0 with the PIT, which turns
// the leftover check off.
var tscPerCount uint64

// LeftoverTicks counts leftover timer interrupts (leftover, below).
var LeftoverTicks uint64

// leftover reports whether a timer interrupt arriving at tsc is a
// leftover: the interrupt of a countdown that ran out while interrupts
// were off, before the latest one was armed (a deferred tick's backstop,
// run out during a long preemption-off section and its switch: deferTick).
// It arrives at the first interruptible instruction, before the latest
// countdown can have run out. Taken as a tick, its switch would run
// through that countdown too, whose interrupt would then be pending at
// the next task's first instruction, and so on: a chain of ticks each
// preempting a task before it runs one instruction of its own (a guarded
// stress run with 16 flushers starved in one: 91 % of its ticks landed
// where the same task had been preempted the time before). A leftover is
// only acknowledged, and the countdown armed again for what is left of it
// (should the TSC estimate be wrong, a tick still comes), costing one
// timer write instead of a chain.
func leftover(c *cpuState, tsc uint64) bool {
	if tsc >= c.tickDue || tscPerCount == 0 {
		return false
	}
	LeftoverTicks++
	armCount(uint32(max((c.tickDue-tsc)<<16/tscPerCount, 1)))
	return true
}

// tick is the timer interrupt: acknowledge first (so the in-service bit
// cannot block the next tick if we switch away), count, wake sleepers,
// and ask for a reschedule — which happens on the way out of the
// interrupt (preemptIRQ) unless the task is in preemptDisable. The next
// tick is armed by tickDone, when a task runs again: every way out of a
// tick passes there (preemptIRQ's end, or finishTaskSwitch in the task
// switched to), so the one-shot is armed once per tick — twice when the
// preemption is deferred (deferTick's backstop). (A backstop written on
// every tick would cost more than it guards: under QEMU's -icount every
// write of the timer's count recomputes the instruction deadline and
// kicks the vCPU out of its execution loop — measured, a second write
// per tick made a stress run 30-40 % slower in wall time for the same
// guest run.) An interrupt that arrives before the armed countdown can
// have run out is no tick (leftover).
func tick(f *trap.Frame, g *rt.G) {
	c := this()
	now := asm.Rdtsc()
	eoi()
	if c.leftover = leftover(c, now); c.leftover {
		return // not a tick: preemptIRQ lets the task go on
	}
	c.tickTSC, c.tickStart = now, now
	c.Ticks++
	c.curr.Ticks++
	if Windows.InWindow(f.IP) {
		atomic.AddUint64(&WindowHits, 1)
	}
	if c.id == 0 {
		Ticks++
		if Ticks >= nextWake {
			rqLock.Acquire()
			wakeSleepers()
			rqLock.Release()
		}
	}
	if !NoTickPreempt {
		c.curr.Preempt.NeedResched = true
	}
	if EveryTick != nil {
		EveryTick()
	}
	if c.id == 0 && OnTick != nil {
		OnTick(f)
	}
}

// TickCount reads Ticks from outside the interrupt handler (noinline: a
// polling loop must reload it every time).
//
//go:noinline
func TickCount() uint64 { return Ticks }

// nextWake is the earliest WakeAt of a sleeping task (the maximum when
// none sleeps): the tick scans the task table only when it is due,
// instead of on every tick.
var nextWake uint64 = noWake

const noWake = ^uint64(0)

// sleepUntil makes t a sleeper until tick at (rqLock held).
func sleepUntil(t *Task, at uint64) {
	t.WakeAt = at
	t.State = Sleeping
	if at < nextWake {
		nextWake = at
	}
}

// wakeSleepers makes the sleepers that are due runnable and finds the
// next wake-up (rqLock held).
func wakeSleepers() {
	next := uint64(noWake)
	for i := range tasks {
		t := &tasks[i]
		if t.State != Sleeping {
			continue
		}
		if t.WakeAt <= Ticks {
			wake(t)
		} else if t.WakeAt < next {
			next = t.WakeAt
		}
	}
	nextWake = next
}
