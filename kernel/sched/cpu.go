package sched

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/apic"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/smp"
	"tlbrace/kernel/spin"
	"tlbrace/kernel/trap"
)

// The scheduler's per-CPU state (Linux's struct runqueue, one per CPU):
// the task running here, this CPU's idle task, its run queue, and what a
// switch leaves for finish_task_switch. Every CPU ticks with its own local
// APIC timer and schedules for itself; tasks migrate between CPUs when
// one steals work from another's queue (pickNext), so a task preempted on
// one CPU may resume on another.
//
// One lock, rqLock, guards every run queue and every task's State: a
// simpler design than Linux 2.6's lock per run queue with its
// double-locking for migration, and enough for a handful of CPUs. It is
// taken with interrupts off and held across the context switch itself:
// schedule() takes it, and the task switched to releases it in
// finishTaskSwitch — so no other CPU can pick the task being switched
// away from before this CPU is off its stack.
type cpuState struct {
	id         int
	curr, idle *Task
	rq         RunQueue
	online     bool

	// Left by contextSwitch for finishTaskSwitch, on the other task's stack.
	prev     *Task  // the task switched away from
	prevMM   *mm.MM // rq->prev_mm: the active_mm a kernel thread gave up
	prevDead *Task  // a task that died running, reaped after the switch

	// The tick (timer.go, overhead.go) and the switch measurement.
	jitter                         Rand
	tickTSC, tickStart, preemptTSC uint64
	tickDue                        uint64 // TSC when the armed countdown runs out at the earliest (armFor)
	tickDeferred                   bool   // the open tick's preemption waits for a preempt_enable (deferTick)
	leftover                       bool   // the timer interrupt being handled is a leftover (timer.go), no tick

	// Counters, for the monitor's per-CPU lines.
	Ticks, Switches, Idle uint64

	// leaveLazy asks this CPU's idle task to let go of the address space
	// it borrows (LeaveLazyMMs); the idle task clears it once it has.
	leaveLazy atomic.Bool
}

var (
	cpus   [rt.MaxCPUs]cpuState
	rqLock = spin.Lock{Name: "runqueue"}

	// Migrations counts tasks that resumed on another CPU than the one
	// they were switched out on.
	Migrations uint64
)

// this returns the running CPU's state (interrupts off).
//
//go:nosplit
func this() *cpuState { return &cpus[rt.CPUIndex()] }

// CPUs returns how many CPUs run tasks.
func CPUs() int {
	n := 0
	for i := range cpus {
		if cpus[i].online {
			n++
		}
	}
	return n
}

// CPUStat is one CPU's line for the monitor.
type CPUStat struct {
	ID                    int
	Online                bool
	Curr                  *Task
	Queued                int
	Ticks, Switches, Idle uint64
}

// cpuStat is CPUStats' one buffer (a local handed to fn would escape).
var cpuStat CPUStat

// CPUStats calls fn for each CPU that runs tasks (from one task at a time:
// the monitor, the reports).
func CPUStats(fn func(s *CPUStat)) {
	for i := range cpus {
		c := &cpus[i]
		if !c.online {
			continue
		}
		cpuStat = CPUStat{ID: i, Online: true, Curr: c.curr, Queued: c.rq.Len(), Ticks: c.Ticks, Switches: c.Switches, Idle: c.Idle}
		fn(&cpuStat)
	}
}

// PrepareCPU gives application processor cpu the idle task it starts as
// (kernel/smp's Prepare): the processor starts on this task's stack with
// its g and enters RunCPU without a switch, as the boot thread became
// task 0.
func PrepareCPU(cpu int) (g *rt.G, stackTop uintptr) {
	flags := asm.SaveFlagsCli()
	rqLock.Acquire()
	t := allocTask("idle")
	rqLock.Release()
	asm.RestoreFlags(flags)
	t.State, t.CPU, t.onCPU, t.Allowed = Running, cpu, true, 1<<cpu
	t.ActiveMM = &mm.InitMM
	mm.InitMM.Grab()
	c := &cpus[cpu]
	c.id, c.idle, c.curr = cpu, t, t
	mm.InitTLBState(cpu)
	return &t.G, t.G.StackHi
}

// RunCPU is an application processor's life once kernel/smp has set it
// up: its own tick, then the idle loop, which schedules whatever work
// the run queues hold (kernel/smp's Run).
func RunCPU(cpu int) {
	c := &cpus[cpu]
	rt.SetKernelStack(c.idle.G.StackHi)
	if !UsingPIT {
		apic.TimerOneShot(trap.VecTimer)
		c.jitter = NewRand(timerSeed, 100+uint64(cpu))
		arm(c)
	}
	c.online = true
	smp.MarkOnline(cpu) // kernel/smp's Start waits for this: from now on tasks may come here
	asm.Sti()
	idleLoop(0)
}

// VecResched is the reschedule IPI (Linux i386's RESCHEDULE_VECTOR): it
// only interrupts, and the way out of the interrupt (preemptIRQ) finds
// need_resched set.
const VecResched = trap.VecResched

// kick makes CPU cpu look at its run queue soon: need_resched on what it
// runs and, if that is another CPU, a reschedule IPI (smp_send_reschedule).
// Caller holds rqLock.
func kick(cpu int) {
	c := &cpus[cpu]
	if c.curr != nil {
		c.curr.Preempt.NeedResched = true
	}
	if cpu != this().id {
		atomic.AddUint64(&ReschedIPIs, 1)
		smp.SendIPI(cpu, VecResched)
	}
}

// ReschedIPIs counts reschedule IPIs sent.
var ReschedIPIs uint64

// onResched handles the reschedule IPI.
func onResched(*trap.Frame, *rt.G) {
	apic.EOI()
	this().curr.Preempt.NeedResched = true
}
