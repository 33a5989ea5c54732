package sched

import (
	"sync/atomic"
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/rt"
)

// A task's life: spawned (Spawn, SpawnUser), running, dead (Exit,
// ExitFromTrap and do_exit in exit.go, killed by a fault, Kill), reaped
// (finishTaskSwitch frees the slot of a task that died running, once the
// CPU is off its stack).

// Counters. TasksKilled counts tasks killed (by faults or by Kill);
// FaultKills only those a fault of their own killed.
var TasksSpawned, TasksReaped, TasksKilled, FaultKills uint64

// Spawn creates a kernel thread running fn(arg); it has no mm and will
// borrow whatever address space was active when it first runs.
func Spawn(name string, fn func(arg uintptr), arg uintptr) *Task {
	return spawn(name, nil, userEntry{}, fn, arg, inherit)
}

// SpawnUser creates a user task on address space m (taking over the
// caller's mm_users reference), starting at ip with stack sp; its task id
// arrives in AX, a1 and a2 in BX and CX.
func SpawnUser(name string, m *mm.MM, ip, sp, a1, a2 uintptr) *Task {
	return spawn(name, m, userEntry{ip: ip, sp: sp, a1: a1, a2: a2}, nil, 0, inherit)
}

// SpawnUserOn is SpawnUser for a task that may run only on the CPUs in
// allowed (bit i: CPU i; 0: any) from its first instruction on.
func SpawnUserOn(name string, m *mm.MM, ip, sp, a1, a2 uintptr, allowed uint32) *Task {
	return spawn(name, m, userEntry{ip: ip, sp: sp, a1: a1, a2: a2}, nil, 0, allowed)
}

// inherit as spawn's allowed: the parent's CPU set.
const inherit = ^uint32(0)

// spawn is both: a kernel thread has fn and no mm, a user task an mm and
// where ring 3 starts. The new task is queued; it starts in taskEntry.
// It inherits its parent's CPU set (Allowed) and goes to the least
// loaded CPU it may run on.
func spawn(name string, m *mm.MM, u userEntry, fn func(arg uintptr), arg uintptr, allowed uint32) *Task {
	flags := asm.SaveFlagsCli()
	defer asm.RestoreFlags(flags)
	rqLock.Acquire()
	defer rqLock.Release()
	t := allocTask(name)
	if t == nil {
		return nil
	}
	t.MM, t.user, t.fn, t.arg = m, u, fn, arg
	t.Preempt.Borrowing = m == nil // a kernel thread borrows from its first run
	// A user task's active_mm is its own mm from the start (covered by
	// the users' reference, as in Linux), not only once it first runs:
	// Kill, which drops the active_mm reference exitMM takes, would
	// otherwise leak a task killed before it ever ran (found by the fuzzer).
	t.ActiveMM = m
	t.user.a0 = uintptr(t.ID)
	c := this()
	switch {
	case allowed != inherit:
		t.Allowed = allowed
	case started:
		t.Allowed = c.curr.Allowed
	}
	prepareStack(t)
	t.State = Runnable
	t.CPU = place(t, false)
	enqueue(t.CPU, t)
	if o := &cpus[t.CPU]; o != c && o.curr == o.idle {
		kick(t.CPU)
	}
	TasksSpawned++
	t.Serial = TasksSpawned
	return t
}

// prepareStack lays out a new task's kernel stack so that its first
// asm.Switch "returns" into asm's threadStart, which calls taskEntry.
func prepareStack(t *Task) {
	entry := taskEntry
	words := [...]uintptr{
		0,                                     // BP, popped by Switch
		asm.ThreadStartPC(),                   // Switch returns here
		**(**uintptr)(unsafe.Pointer(&entry)), // threadStart pops and calls this
		0,                                     // alignment
	}
	sp := t.G.StackHi - unsafe.Sizeof(words)
	*(*[len(words)]uintptr)(unsafe.Pointer(sp)) = words
	t.SP = sp
}

// taskEntry is where every new task starts, with interrupts off and
// rqLock held by the switch that started it.
func taskEntry() {
	finishTaskSwitch()
	t := this().curr
	if t.MM != nil {
		enterUser(t) // never returns
	}
	asm.Sti()
	t.fn(t.arg)
	Exit(0)
}

// markDead ends the running task t: exit_mm(), then dead. It stays on its
// stack until the next switch; the task switched to reaps it
// (finishTaskSwitch). Every way of dying while running goes through here.
func markDead(t *Task, code int) {
	t.ExitCode = code
	exitMM(t)
	t.State = Dead
}

// Exit ends the current task: exit_mm() then a final schedule().
func Exit(code int) {
	asm.Cli()
	markDead(this().curr, code)
	schedule()
	Bug("a dead task was scheduled")
	rt.Halt()
}

// ExitFromTrap ends the current task from a trap handler (the exit system
// call, a fatal fault): the task runs do_exit on its own kernel stack as
// the trap returns (exit.go), preemptible, as a Linux task does.
func ExitFromTrap(code int) {
	t := this().curr
	t.ExitCode = code
	t.exiting = true
}

// killCurrent ends the current user task from a trap handler after a
// fault (mm.Kill): the scheduler switches away on the trap's way out
// (preemptIRQ), never returning to it.
func killCurrent(why string) {
	t := this().curr
	console.Printf("KILLED: task %d (%s) on CPU %d: %s\n", t.ID, t.Name(), t.CPU, why)
	ExitFromTrap(-1)
	atomic.AddUint64(&TasksKilled, 1)
	atomic.AddUint64(&FaultKills, 1)
}

// exitMM is exit_mm(): the task keeps running on its mm lazily (active_mm
// stays, with an mm_count reference) until it switches away; the user
// reference goes now and may tear the user mappings down.
func exitMM(t *Task) {
	m := t.MM
	if m == nil {
		return
	}
	m.Grab()
	t.MM = nil
	t.Preempt.Borrowing = true
	m.Put()
}

// Kill ends another task (not the caller) from task context. One that is
// not running is taken off its run queue, gives up its mm and its
// borrowed active_mm, and its slot is freed at once — nothing needs its
// stack. One running on another CPU is asked to die: it does at its next
// schedule (which a reschedule IPI brings soon); WaitGone waits for it.
// Used by the workloads to tear their tasks down.
func Kill(t *Task) {
	flags := asm.SaveFlagsCli()
	defer asm.RestoreFlags(flags)
	rqLock.Acquire()
	if t == nil || t == this().curr || t.State == Free || t.State == Dead || t.killReq || t.inExit {
		// (A task in do_exit finishes it: killed half-way, its teardown
		// would never end.)
		rqLock.Release()
		return
	}
	if t.onCPU {
		t.killReq = true
		kick(t.CPU)
		rqLock.Release()
		atomic.AddUint64(&TasksKilled, 1)
		return
	}
	if t.State == Runnable {
		dequeue(t)
	}
	t.State = Dead // off every queue and no CPU's: ours to tear down
	rqLock.Release()
	exitMM(t)
	if m := t.ActiveMM; m != nil {
		t.ActiveMM = nil
		m.Drop()
	}
	rqLock.Acquire()
	t.State = Free
	rqLock.Release()
	atomic.AddUint64(&TasksKilled, 1)
	atomic.AddUint64(&TasksReaped, 1)
}

// WaitGone sleeps until every one of tasks (nil ones ignored) has died
// and been reaped, for at most ticks timer ticks, and reports whether
// they all did. It looks again after 1, 2, 4 ... ticks, at most
// ticks/waitLooks apart: a task that wakes at every tick to look can take
// every tick from the one it waits for. A voluntary switch does not arm
// a fresh interval (the tick is the timer's, as in Linux), so the task
// switched to gets what the waiter left of its own — at the evidence
// shift less than nothing, when the waiter's look and sleep outlast the
// interval: a worker in do_exit was preempted at the same instruction
// 12,000 times in a row and never finished (stress: "some workers did
// not exit within a second", after a FOREIGN-POINTER).
func WaitGone(ticks uint64, tasks ...*Task) bool {
	waited, step, most := uint64(0), uint64(1), max(ticks/waitLooks, 1)
	for {
		gone := true
		for _, t := range tasks {
			if t != nil && t.State != Free {
				gone = false
			}
		}
		if gone {
			return true
		}
		if waited >= ticks {
			return false
		}
		n := min(step, ticks-waited)
		Sleep(n)
		waited += n
		step = min(step*2, most)
	}
}

// waitLooks: how often WaitGone looks, at least, over its whole wait.
const waitLooks = 100
