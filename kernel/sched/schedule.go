package sched

import (
	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trace"
	"tlbrace/kernel/trap"
)

// The scheduler: one CPU, a run queue, CONFIG_PREEMPT semantics.

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
	idle    *Task
	started bool

	// Counters.
	Schedules, Preemptions, Voluntary, TasksSpawned, TasksReaped uint64
	// PreemptionsInWindow counts preemptions of a task interrupted between
	// the CR3 read and the CR3 write of a flush: the race itself.
	PreemptionsInWindow uint64
	// Bugs counts kernel bugs found by the debug checks.
	Bugs uint64
	// OnPreemptInWindow is told about each such preemption (trace).
	OnPreemptInWindow func(t *Task, ip uintptr)
	// Windows are the flush windows (asm.Windows), read once.
	Windows asm.FlushWindows
)

// Init turns the running boot thread into task 0 ("main", a kernel thread
// on init_mm), creates the idle task, and installs the scheduler's hooks.
// The timer is started separately (StartTimer).
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

	idle = Spawn("idle", idleLoop, 0)
	rq.Remove(idle.ID) // idle runs only when nothing else can

	preempt.Resched = preemptSchedule
	trap.ReturnHook = preemptIRQ
	mm.Current = faultTask
	mm.Kill = killCurrent
	mm.LazyContext = inLazyContext
	trap.Describe = describeG
	preempt.OnUnbalanced = unbalanced
	mm.OnBadFree = badFree
	trace.Clock = TickCount
	trace.NameOf = taskName
	started = true
}

// inLazyContext reports whether the running task is a lazy-TLB kernel thread.
func inLazyContext() bool { return current.MM == nil }

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
	next := pickNext()
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
			trace.Add(trace.ResumeWindow, prev.ID, 0, mmID(prev.ActiveMM), prev.windowValue, 0)
		}
		prev.inWindow = false
	}
	asm.RestoreFlags(flags)
}

// Chooser, when set, replaces the policy (systematic exploration): it
// returns the run-queue index of the task to run, or -1 for "use the
// policy".
var Chooser func(rq *RunQueue) int

// TickPreempts: the timer asks for a reschedule at every tick. Systematic
// exploration turns it off so that only its own decision points switch.
var TickPreempts = true

func pickNext() *Task {
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
			i = int(pickRnd.Intn(uint32(rq.Len())))
		}
	}
	return &tasks[rq.Take(i)]
}

// LeaveMM makes the running kernel thread let go of whatever address
// space it borrows and run on init_mm (Linux x86: leave_mm), so that the
// next step starts from a known CR3.
//
//audit:irqs-off leave_mm: the CR3 load sits between SaveFlagsCli and RestoreFlags
func LeaveMM() {
	flags := asm.SaveFlagsCli()
	t := current
	if t.MM == nil && t.ActiveMM != &mm.InitMM {
		old := t.ActiveMM
		mm.InitMM.Grab()
		t.ActiveMM = &mm.InitMM
		mm.LoadCR3(&mm.InitMM)
		if old != nil {
			old.Drop()
		}
	}
	asm.RestoreFlags(flags)
}

// preemptIRQ is CONFIG_PREEMPT's "preempt on return from interrupt", run
// by the trap path on the interrupted task's stack with interrupts off.
// Kernel or user mode alike: if the timer asked for a reschedule and the
// task is not inside preemptDisable, switch now — even if it was
// interrupted between `mov %cr3,%reg` and `mov %reg,%cr3`.
func preemptIRQ(f *trap.Frame) {
	preemptOnReturn(f)
	tickDone()
}

func preemptOnReturn(f *trap.Frame) {
	t := current
	if !t.Preempt.NeedResched || !started {
		return
	}
	if t.Preempt.Count != 0 {
		preempt.Deferred++ // preempt_enable will do it
		return
	}
	if t.State == Running {
		t.Preemptions++
		Preemptions++
		if f.Vector == trap.VecTimer {
			preemptTSC = tickTSC // measure from the timer interrupt's handler
		}
		if Windows.InWindow(f.IP) {
			PreemptionsInWindow++
			t.inWindow, t.windowValue = true, f.AX // asm/tlb_*.s reads CR3 into AX
			if trace.Enabled {
				trace.Add(trace.PreemptWindow, t.ID, 0, mmID(t.ActiveMM), f.AX, 0)
			}
			if OnPreemptInWindow != nil {
				OnPreemptInWindow(t, f.IP)
			}
		}
	}
	schedule()
}

// preemptTSC is when the current preemption started (0: none pending):
// finishTaskSwitch measures the cost of a preemptive switch from it.
var preemptTSC uint64

// SwitchCycles and SwitchesMeasured total the TSC cycles of timer-driven
// preemptive switches: from the start of the timer handler (after the
// entry stub saved the registers and FXSAVE area) to the next task
// running on its own stack.
var SwitchCycles, SwitchesMeasured uint64

// preemptSchedule is preempt_schedule(): preempt_enable found a pending
// reschedule when the count dropped to zero.
func preemptSchedule() {
	current.Preemptions++
	Preemptions++
	schedule()
}

// Yield gives up the CPU voluntarily.
func Yield() {
	Voluntary++
	schedule()
}

// Sleep blocks the current task for n timer ticks.
func Sleep(n uint64) {
	flags := asm.SaveFlagsCli()
	current.WakeAt = Ticks + n
	current.State = Sleeping
	Voluntary++
	schedule()
	asm.RestoreFlags(flags)
}

// Spawn creates a kernel thread running fn(arg); it has no mm and will
// borrow whatever address space was active when it first runs.
func Spawn(name string, fn func(arg uintptr), arg uintptr) *Task {
	flags := asm.SaveFlagsCli()
	defer asm.RestoreFlags(flags)
	t := allocTask(name)
	if t == nil {
		return nil
	}
	t.fn, t.arg = fn, arg
	prepareStack(t)
	t.State = Runnable
	rq.Push(t.ID)
	TasksSpawned++
	return t
}

// Exit ends the current task: exit_mm() then a final schedule().
func Exit(code int) {
	asm.Cli()
	t := current
	t.ExitCode = code
	exitMM(t)
	t.State = Dead
	prevDead = t
	schedule()
	Bug("a dead task was scheduled")
	rt.Halt()
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
	m.Put()
}

// idleLoop runs when nothing else can: halt until an interrupt, then let
// the scheduler look. Halting with interrupts on is one atomic STI;HLT.
func idleLoop(uintptr) {
	for {
		asm.Cli()
		if current.Preempt.NeedResched || rq.Len() > 0 {
			schedule()
		}
		asm.StiHlt()
	}
}

// Bug reports a kernel bug found by a debug check and carries on.
func Bug(what string) {
	Bugs++
	console.Printf("BUG: %s (task %d %s, preempt_count %d)\n", what, current.ID, current.Name(), current.Preempt.Count)
}

// faultTask describes the current task to the page-fault handler.
func faultTask() mm.Task {
	t := current
	return mm.Task{ID: t.ID, Name: t.Name(), MM: t.MM, ActiveMM: t.ActiveMM}
}

// killCurrent ends the current user task from a trap handler: the task
// is marked dead now and the scheduler switches away on the trap's way
// out (preemptIRQ), never returning to it.
func killCurrent(why string) {
	t := current
	console.Printf("KILLED: task %d (%s): %s\n", t.ID, t.Name(), why)
	exitMM(t)
	t.ExitCode = -1
	t.State = Dead
	prevDead = t
	t.Preempt.NeedResched = true
	TasksKilled++
	FaultKills++
}

// TasksKilled counts tasks killed (by faults or by Kill); FaultKills only
// those a fault of their own killed.
var TasksKilled, FaultKills uint64

// describeG tells a fault report which task a g belongs to.
func describeG(g *rt.G) {
	for i := range tasks {
		t := &tasks[i]
		if t.State != Free && &t.G == g {
			console.Printf("  task %d (%s) %s, preempt_count %d, mm %d, active_mm %d\n", t.ID, t.Name(), t.State.String(),
				t.Preempt.Count, mmID(t.MM), mmID(t.ActiveMM))
			return
		}
	}
	if g == trap.InterruptG() {
		console.Print("  on the interrupt stack\n")
	}
}

func taskName(id int) string {
	if id < 0 || id >= MaxTasks {
		return "?"
	}
	return tasks[id].Name()
}

func mmID(m *mm.MM) int {
	if m == nil {
		return -1
	}
	return m.ID
}

// HZ is the configured mean tick rate.
var HZ uint64 = 1000

// ExitFromTrap ends the current task from a trap handler (the exit system
// call): like Exit, but the switch happens on the way out of the trap.
func ExitFromTrap(code int) {
	t := current
	t.ExitCode = code
	exitMM(t)
	t.State = Dead
	prevDead = t
	t.Preempt.NeedResched = true
}

// SleepFromTrap blocks the current task for n ticks from a trap handler.
func SleepFromTrap(n uint64) {
	t := current
	t.WakeAt = Ticks + n
	t.State = Sleeping
	t.Preempt.NeedResched = true
}

// Kill ends another task (not the running one) from task context: it is
// taken off the run queue, gives up its mm and its borrowed active_mm, and
// its slot is freed. Used by the stress workload's churn.
func Kill(t *Task) {
	flags := asm.SaveFlagsCli()
	defer asm.RestoreFlags(flags)
	if t == current || t.State == Free || t.State == Dead {
		return
	}
	rq.Remove(t.ID)
	exitMM(t)
	if m := t.ActiveMM; m != nil {
		t.ActiveMM = nil
		m.Drop()
	}
	t.State = Free
	TasksKilled++
	TasksReaped++
}

func unbalanced() {
	Bug("preempt_count went negative: preemptEnable without preemptDisable")
	current.Preempt.Count = 0
}

func badFree(pa uintptr) {
	console.Printf("BUG: freeing frame %#x that is not allocated (double free)\n", pa)
	Bugs++
}
