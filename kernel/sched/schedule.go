package sched

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trace"
)

// The scheduler: CONFIG_PREEMPT semantics on every CPU, a run queue per
// CPU, migration by stealing (cpu.go). Where the rest lives:
//
//	cpu.go          per-CPU state, the run-queue lock, application processors, IPIs
//	switch.go       the context switch and everything it does to mm and CR3
//	preempt_irq.go  preemption on the way out of an interrupt
//	lifecycle.go    tasks are born (Spawn, SpawnUser), die (Exit, Kill) and are reaped
//	timer.go        the tick (lapic.go, pit.go: its two sources; overhead.go: its cost)
//	idle.go         the idle tasks
//	wiring.go       how the scheduler plugs into mm, trap, preempt, spin and trace
//	bug.go          kernel bugs found by debug checks
//	task.go         the task table; runqueue.go the run queue; usermode.go ring 3

// Policy picks the next task.
type Policy uint8

const (
	RoundRobin Policy = iota // this CPU's queue head; when empty, the head of the busiest other queue
	Shuffle                  // a random queued task of any CPU (seeded): every interleaving, and every migration, gets a chance
)

var (
	policy  Policy
	pickRnd Rand
	started bool

	// Counters. Schedules and Voluntary change under rqLock, Preemptions
	// atomically.
	Schedules, Preemptions, Voluntary uint64
)

// HZ is the configured mean tick rate.
var HZ uint64 = 1000

// Init turns the running boot thread into task 0 ("main", a kernel thread
// on init_mm) on CPU 0, creates CPU 0's idle task, and plugs the
// scheduler into the other packages (wiring.go). The timer is started
// separately (StartTimer); the other CPUs join through PrepareCPU and
// RunCPU.
func Init(p Policy, seed uint64) {
	policy = p
	pickRnd = NewRand(seed, 2)
	Windows = asm.Windows()
	c := &cpus[0]
	c.id, c.online = 0, true
	main := &tasks[0]
	*main = Task{ID: 0, State: Running, onCPU: true, Preempt: preempt.State{Borrowing: true}}
	main.setName("main")
	main.G = *rt.CurrentG() // the boot stack's bounds
	main.ActiveMM = &mm.InitMM
	mm.InitMM.Grab()
	c.curr = main
	rt.SetG(&main.G)
	attach(main)
	mm.InitTLBState(0)

	startIdle(c)
	wire()
	started = true
}

// schedule picks the next task and switches to it. The caller has set
// prev's state: Running means "still runnable" (preemption or yield).
func schedule() {
	flags := asm.SaveFlagsCli()
	c := this()
	if t := c.curr; t.killReq && t.State != Dead && !t.inExit {
		// Kill asked while it ran on this CPU (one in do_exit finishes
		// it). exit_mm tears the mm down here, and its flushes and mmdrop
		// pair preempt_disable with preempt_enable: with need_resched set
		// (Kill's kick), the outermost enable would call schedule from
		// inside schedule, which would find the task still not dead, mark
		// it dead again and switch away for good — the teardown abandoned
		// half way, its mm's pages and page tables leaked (23 frames in a
		// 2-CPU stress run). The switch is a few lines down anyway.
		t.Preempt.Count++
		markDead(t, -1)
		t.Preempt.Count--
	}
	rqLock.Acquire()
	scheduleLocked(c)
	asm.RestoreFlags(flags)
}

// scheduleLocked is schedule with rqLock held and interrupts off; it
// returns with rqLock released (by the task switched to, or here).
func scheduleLocked(c *cpuState) {
	prev := c.curr
	if prev.Preempt.Count != 0 {
		Bug("scheduling while atomic")
	}
	if prev.Preempt.Locks != 0 {
		Bugf("sleeping with %d spinlock(s) held", prev.Preempt.Locks)
	}
	prev.Preempt.NeedResched = false
	Schedules++
	switch prev.State {
	case Running, Runnable: // preempted, yielding, or woken before it got here
		prev.State = Runnable
		switch {
		case prev == c.idle:
		case allowed(prev, c.id):
			enqueue(c.id, prev)
		default: // SetAffinity took this CPU away from it
			enqueue(place(prev, false), prev)
		}
	case Dead:
		c.prevDead = prev
	}
	next := pickNext(c, prev)
	if next != prev {
		contextSwitch(c, prev, next) // rqLock is released on the other side
		return
	}
	// Picked again: prev goes on at once. If it was preempted in a
	// flush window, it writes back the CR3 value it just read, on the
	// same active_mm — harmless — and is no longer in the window: a
	// later switch back to it must not report a resume there (that flag
	// would be stale).
	prev.State = Running
	if prev.inWindow && trace.Enabled {
		trace.Add(trace.ResumeWindow, prev.ID, 0, prev.ActiveMM.IDOrNone(), prev.windowValue, 0)
	}
	prev.inWindow, prev.windowFrame = false, nil
	rqLock.Release()
	tickDone(c) // a deferred tick ends here too (overhead.go)
}

// Chooser, when set, replaces the policy (systematic exploration): it
// returns the index in this CPU's run queue of the task to run, or -1 for
// "use the policy".
var Chooser func(rq *RunQueue) int

// NoTickPreempt stops the timer from asking for a reschedule at every
// tick. Systematic exploration sets it so that only its own decision
// points switch.
var NoTickPreempt bool

// allowed reports whether t may run on cpu.
func allowed(t *Task, cpu int) bool { return t.Allowed == 0 || t.Allowed&(1<<cpu) != 0 }

// enqueue puts t on cpu's run queue (rqLock held).
func enqueue(cpu int, t *Task) {
	cpus[cpu].rq.Push(t.ID)
	t.queuedOn = cpu
}

// dequeue takes t off the run queue that holds it (rqLock held).
func dequeue(t *Task) {
	cpus[t.queuedOn].rq.Remove(t.ID)
}

// pickNext chooses what c runs next and takes it off its queue (rqLock
// held): the exploration's Chooser on this CPU's queue, else the policy;
// the idle task when nothing may run here.
func pickNext(c *cpuState, prev *Task) *Task {
	if Chooser != nil && c.rq.Len() > 0 {
		if i := Chooser(&c.rq); i >= 0 {
			return &tasks[c.rq.Take(i)]
		}
	}
	if policy == Shuffle {
		if t := shufflePick(c, prev); t != nil {
			return t
		}
		return c.idle
	}
	for i := 0; i < c.rq.Len(); i++ {
		if allowed(&tasks[c.rq.At(i)], c.id) {
			return &tasks[c.rq.Take(i)]
		}
	}
	if t := steal(c); t != nil {
		return t
	}
	return c.idle
}

// steal takes the first task c may run from the longest other run queue:
// the idle CPU pulls work (Linux's idle load balancing), and the task
// migrates.
func steal(c *cpuState) *Task {
	var busiest *cpuState
	for i := range cpus {
		o := &cpus[i]
		if o != c && o.online && o.rq.Len() > 0 && (busiest == nil || o.rq.Len() > busiest.rq.Len()) {
			busiest = o
		}
	}
	if busiest == nil {
		return nil
	}
	for i := 0; i < busiest.rq.Len(); i++ {
		if t := &tasks[busiest.rq.At(i)]; allowed(t, c.id) {
			busiest.rq.Take(i)
			return t
		}
	}
	return nil
}

// shufflePick takes a random queued task of any CPU that may run on c —
// not prev, which scheduleLocked has just queued, unless it is the only
// one. A task the timer preempts lets another run, as Linux 2.6's
// scheduler would (its timeslice is spent); picking it again at once
// would make that preemption a no-op.
//
// It runs at every tick of a stress run, so it first draws without
// looking at the tasks: one of all the queued tasks but prev, found by
// counting along the queues (CPU order, then queue order). Most tasks may
// run anywhere, and then that draw is the pick. If the task drawn may not
// run on c, shuffleAllowed draws again among those that may: every task
// allowed here is still picked with the same chance (1/N for the first
// draw, plus the (N-a)/N chance of a miss times 1/a: 1/a in all).
func shufflePick(c *cpuState, prev *Task) *Task {
	// scheduleLocked queued prev last on some queue, unless it sleeps,
	// died, or is this CPU's idle task.
	prevRQ := (*RunQueue)(nil)
	if prev.State == Runnable && prev != c.idle {
		if rq := &cpus[prev.queuedOn].rq; rq.n > 0 && int(rq.q[rq.slot(rq.n-1)]) == prev.ID {
			prevRQ = rq
		} else {
			return shuffleAllowed(c, prev)
		}
	}
	n := 0
	for i := range cpus {
		n += cpus[i].rq.n
	}
	if prevRQ != nil {
		n--
	}
	if n == 0 {
		if prevRQ != nil && allowed(prev, c.id) {
			dequeue(prev)
			return prev
		}
		return nil
	}
	k := int(pickRnd.Intn(uint32(n)))
	for i := range cpus {
		rq := &cpus[i].rq
		m := rq.n
		if rq == prevRQ {
			m-- // prev, last in this queue, is not drawn
		}
		if k >= m {
			k -= m
			continue
		}
		if !allowed(&tasks[rq.At(k)], c.id) {
			break
		}
		return &tasks[rq.Take(k)]
	}
	return shuffleAllowed(c, prev)
}

// shuffleAllowed is shufflePick's draw among the queued tasks that may run
// on c only (and prev only if it is the only one): it walks the queues,
// collects the candidates in order and draws one.
func shuffleAllowed(c *cpuState, prev *Task) *Task {
	var cand [MaxTasks]queuePos
	n, prevOK := 0, false
	for i := range cpus {
		rq := &cpus[i].rq
		for j := 0; j < rq.n; j++ {
			t := &tasks[rq.q[rq.slot(j)]]
			if !allowed(t, c.id) {
				continue
			}
			if t == prev {
				prevOK = true
				continue
			}
			if n < len(cand) {
				cand[n] = queuePos{cpu: uint8(i), at: uint8(j)}
				n++
			}
		}
	}
	if n == 0 {
		if prevOK {
			dequeue(prev)
			return prev
		}
		return nil
	}
	p := cand[pickRnd.Intn(uint32(n))]
	return &tasks[cpus[p.cpu].rq.Take(int(p.at))]
}

// queuePos is where a queued task sits: its CPU's queue, and its place
// in it.
type queuePos struct{ cpu, at uint8 }

// place chooses the CPU a task that becomes runnable goes to: the one it
// last ran on if it may, else the least loaded CPU it may run on (rqLock
// held).
func place(t *Task, last bool) int {
	if last && allowed(t, t.CPU) && cpus[t.CPU].online {
		return t.CPU
	}
	best, load := -1, 0
	for i := range cpus {
		c := &cpus[i]
		if !c.online || !allowed(t, i) {
			continue
		}
		l := c.rq.Len()
		if c.curr != c.idle {
			l++
		}
		if best < 0 || l < load {
			best, load = i, l
		}
	}
	if best < 0 {
		best = 0
	}
	return best
}

// wake makes a sleeping task runnable (rqLock held). A task still on its
// CPU (between deciding to sleep and the switch away) is only marked:
// its own schedule queues it.
func wake(t *Task) {
	t.State = Runnable
	if t.onCPU {
		return
	}
	cpu := place(t, true)
	enqueue(cpu, t)
	if c := &cpus[cpu]; c.curr == c.idle {
		kick(cpu)
	}
}

// Yield gives up the CPU voluntarily.
func Yield() {
	atomic.AddUint64(&Voluntary, 1)
	schedule()
}

// Sleep blocks the current task for n timer ticks.
func Sleep(n uint64) {
	flags := asm.SaveFlagsCli()
	c := this()
	rqLock.Acquire()
	sleepUntil(c.curr, Ticks+n)
	Voluntary++
	scheduleLocked(c)
	asm.RestoreFlags(flags)
}

// Wake makes a sleeping task runnable at once, before its tick comes (a
// detector waking the workload's supervisor); any other task is left as
// it is. A detector may call it from inside a switch (the CR3 check of
// contextSwitch), where this CPU holds rqLock already.
func Wake(t *Task) {
	flags := asm.SaveFlagsCli()
	held := rqLock.HeldHere()
	if !held {
		rqLock.Acquire()
	}
	if t != nil && t.State == Sleeping {
		wake(t)
	}
	if !held {
		rqLock.Release()
	}
	asm.RestoreFlags(flags)
}

// SleepFromTrap blocks the current task for n ticks from a trap handler
// (the sleep system call): the switch happens on the way out of the trap.
// Until then it is still this CPU's current task: a wake-up that comes
// first only marks it runnable (wake).
func SleepFromTrap(n uint64) {
	rqLock.Acquire()
	t := this().curr
	sleepUntil(t, Ticks+n)
	t.Preempt.NeedResched = true
	rqLock.Release()
}

// SetAffinity restricts t to the CPUs in mask (bit i: CPU i; 0: any),
// Linux's set_cpus_allowed: a queued task moves to a queue it may run
// from; a running one leaves its CPU at its next schedule.
func SetAffinity(t *Task, mask uint32) {
	flags := asm.SaveFlagsCli()
	rqLock.Acquire()
	t.Allowed = mask
	switch {
	case t.State == Runnable && !t.onCPU && !allowed(t, t.queuedOn):
		dequeue(t)
		enqueue(place(t, false), t)
	case t.onCPU && !allowed(t, t.CPU):
		kick(t.CPU)
	}
	rqLock.Release()
	asm.RestoreFlags(flags)
}

// ThisCPU returns the number of the CPU the caller runs on — which may
// have changed by the time it looks, unless preemption is off.
func ThisCPU() int {
	flags := asm.SaveFlagsCli()
	id := this().id
	asm.RestoreFlags(flags)
	return id
}
