package sched

import (
	"tlbrace/asm"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trace"
)

// The scheduler: one CPU, a run queue, CONFIG_PREEMPT semantics. Where
// the rest lives:
//
//	switch.go       the context switch and everything it does to mm and CR3
//	preempt_irq.go  preemption on the way out of an interrupt
//	lifecycle.go    tasks are born (Spawn, SpawnUser), die (Exit, Kill) and are reaped
//	timer.go        the tick (lapic.go, pit.go: its two sources; overhead.go: its cost)
//	idle.go         the idle task
//	wiring.go       how the scheduler plugs into mm, trap, preempt and trace
//	bug.go          kernel bugs found by debug checks
//	task.go         the task table; runqueue.go the run queue; usermode.go ring 3

// Policy picks the next task.
type Policy uint8

const (
	RoundRobin Policy = iota // the queue's head
	Shuffle                  // a random queued task (seeded): every interleaving gets a chance
)

var (
	rq      RunQueue
	policy  Policy
	pickRnd Rand
	started bool

	// Counters.
	Schedules, Preemptions, Voluntary uint64
)

// HZ is the configured mean tick rate.
var HZ uint64 = 1000

// Init turns the running boot thread into task 0 ("main", a kernel thread
// on init_mm), creates the idle task, and plugs the scheduler into the
// other packages (wiring.go). The timer is started separately (StartTimer).
func Init(p Policy, seed uint64) {
	policy = p
	pickRnd = NewRand(seed, 2)
	Windows = asm.Windows()
	main := &tasks[0]
	*main = Task{ID: 0, State: Running}
	main.setName("main")
	main.G = *rt.CurrentG() // the boot stack's bounds
	main.ActiveMM = &mm.InitMM
	mm.InitMM.Grab()
	current = main
	rt.SetG(&main.G)
	preempt.SetCurrent(&main.Preempt)

	startIdle()
	wire()
	started = true
}

// schedule picks the next task and switches to it. The caller has set
// prev's state: Running means "still runnable" (preemption or yield).
func schedule() {
	flags := asm.SaveFlagsCli()
	prev := current
	if prev.Preempt.Count != 0 {
		Bug("scheduling while atomic")
	}
	prev.Preempt.NeedResched = false
	Schedules++
	if prev.State == Running {
		prev.State = Runnable
		if prev != idle {
			rq.Push(prev.ID)
		}
	}
	next := pickNext(prev)
	if next != prev {
		contextSwitch(prev, next)
	} else {
		// Picked again: prev goes on at once. If it was preempted in a
		// flush window, it writes back the CR3 value it just read, on
		// the same active_mm — harmless — and is no longer in the
		// window: a later switch back to it must not report a resume
		// there (that flag would be stale).
		prev.State = Running
		if prev.inWindow && trace.Enabled {
			trace.Add(trace.ResumeWindow, prev.ID, 0, prev.ActiveMM.IDOrNone(), prev.windowValue, 0)
		}
		prev.inWindow = false
	}
	asm.RestoreFlags(flags)
}

// Chooser, when set, replaces the policy (systematic exploration): it
// returns the run-queue index of the task to run, or -1 for "use the
// policy".
var Chooser func(rq *RunQueue) int

// NoTickPreempt stops the timer from asking for a reschedule at every
// tick. Systematic exploration sets it so that only its own decision
// points switch.
var NoTickPreempt bool

func pickNext(prev *Task) *Task {
	if rq.Len() == 0 {
		return idle
	}
	i := -1
	if Chooser != nil {
		i = Chooser(&rq)
	}
	if i < 0 {
		i = 0
		if policy == Shuffle {
			i = shuffleIndex(prev)
		}
	}
	return &tasks[rq.Take(i)]
}

// shuffleIndex picks a random queued task — not prev, which schedule()
// has just put back at the tail, unless it is alone. A task the timer
// preempts lets another run, as Linux 2.6's scheduler would (its
// timeslice is spent); picking it again at once would make that
// preemption a no-op.
func shuffleIndex(prev *Task) int {
	n := rq.Len()
	if n > 1 && rq.At(n-1) == prev.ID {
		n--
	}
	return int(pickRnd.Intn(uint32(n)))
}

// Yield gives up the CPU voluntarily.
func Yield() {
	Voluntary++
	schedule()
}

// Sleep blocks the current task for n timer ticks.
func Sleep(n uint64) {
	flags := asm.SaveFlagsCli()
	sleepUntil(current, Ticks+n)
	Voluntary++
	schedule()
	asm.RestoreFlags(flags)
}

// SleepFromTrap blocks the current task for n ticks from a trap handler
// (the sleep system call): the switch happens on the way out of the trap.
func SleepFromTrap(n uint64) {
	t := current
	sleepUntil(t, Ticks+n)
	t.Preempt.NeedResched = true
}
