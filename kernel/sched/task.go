package sched

import (
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trap"
)

// TaskState is where a task is in its life.
type TaskState uint8

const (
	Free     TaskState = iota // slot unused
	Runnable                  // on the run queue
	Running                   // the current task
	Sleeping                  // waiting for WakeAt
	Dead                      // exited; reaped once switched away from
)

var stateNames = [...]string{"free", "runnable", "running", "sleeping", "dead"}

func (s TaskState) String() string { return stateNames[s] }

// Task is a thread of execution: a kernel thread (MM nil; it runs lazily
// on a borrowed ActiveMM) or a user task (MM its own address space).
type Task struct {
	ID int
	// Serial tells apart the tasks that use one slot one after the other:
	// the value of TasksSpawned when it was spawned.
	Serial uint64
	name   [24]byte
	nlen   int
	State  TaskState

	// Preempt is this task's preempt_count and need_resched flag.
	Preempt preempt.State

	// The g compiled Go code on this task's kernel stack uses, and the
	// saved kernel stack pointer while switched out (asm.Switch).
	G  rt.G
	SP uintptr

	// MM is the task's own address space (nil for kernel threads).
	// ActiveMM is the address space it runs on: MM for a user task, a
	// borrowed one for a kernel thread (holding an mm_count reference).
	MM, ActiveMM *mm.MM

	fn   func(arg uintptr) // kernel thread body
	arg  uintptr
	user userEntry // user tasks: where ring 3 starts

	// inWindow: preempted between a flush's CR3 read and write, holding
	// windowValue (the CR3 value it read) in a saved register, AX of
	// windowFrame (on its kernel stack until it resumes: freedroot.go).
	inWindow    bool
	windowValue uintptr
	windowFrame *trap.Frame
	windowCPU   int // the CPU it was preempted on, in the window

	WakeAt   uint64 // tick to wake at, when Sleeping
	ExitCode int
	exiting  bool // ExitFromTrap: run do_exit when the trap returns (exit.go)
	inExit   bool // in do_exit: Kill leaves it to finish

	// CPU is the processor the task runs on, or last ran on. onCPU: it is
	// some CPU's current task right now (from the switch to it until the
	// switch away from it is complete): never queued, never freed.
	// queuedOn is the CPU whose run queue holds it, while Runnable.
	CPU      int
	onCPU    bool
	queuedOn int
	// Allowed is the set of CPUs the task may run on (bit i: CPU i; 0:
	// any), Linux's cpus_allowed; a task spawned inherits its parent's.
	Allowed uint32
	// killReq: Kill asked for its death while it ran on another CPU; it
	// dies at its next schedule.
	killReq bool

	// Counters for the per-task table.
	Switches, Preemptions, Ticks, Syscalls uint64
	Borrows                                uint64 // times it borrowed an active_mm
	Migrations                             uint64 // times it resumed on another CPU than it left
}

type userEntry struct {
	ip, sp     uintptr
	a0, a1, a2 uintptr
}

// Name returns the task's name.
func (t *Task) Name() string { return unsafe.String(&t.name[0], t.nlen) }

func (t *Task) setName(s string) { t.nlen = copy(t.name[:], s) }

// MaxTasks is the number of task slots; task i runs on kernel stack i.
const MaxTasks = rt.MaxStacks

var tasks [MaxTasks]Task

// Current returns the running task (the interrupted one, in a handler).
func Current() *Task {
	flags := asm.SaveFlagsCli()
	t := this().curr
	asm.RestoreFlags(flags)
	return t
}

// Tasks calls fn for every live task.
func Tasks(fn func(t *Task)) {
	for i := range tasks {
		if tasks[i].State != Free {
			fn(&tasks[i])
		}
	}
}

// LiveTasks counts the tasks alive (any state but Free).
func LiveTasks() int {
	n := 0
	for i := range tasks {
		if tasks[i].State != Free {
			n++
		}
	}
	return n
}

// ByID returns the live task with the given id, or nil.
func ByID(id int) *Task {
	if id < 0 || id >= MaxTasks || tasks[id].State == Free {
		return nil
	}
	return &tasks[id]
}

// allocTask finds a free slot and gives it a kernel stack and a g. The
// caller holds rqLock.
func allocTask(name string) *Task {
	for i := range tasks {
		t := &tasks[i]
		if t.State != Free {
			continue
		}
		*t = Task{ID: i}
		t.Preempt.Borrowing = true // no mm of its own until spawn gives it one
		t.setName(name)
		lo, hi := rt.Stack(i)
		t.G.InitStack(lo, hi)
		preempt.Attach(&t.G, &t.Preempt)
		return t
	}
	return nil
}
