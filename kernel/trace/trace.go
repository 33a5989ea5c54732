// Package trace is a ring buffer of scheduler and mm events, cheap enough
// to record on every context switch. When the stress workload detects the
// race it prints the last entries: the exact interleaving — the
// "constellation" of the seed — that put the wrong CR3 under a task.
package trace

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/rt"
)

// Kind is what happened.
type Kind uint8

const (
	Switch        Kind = iota + 1 // A -> B; X = B's active_mm, CR3 after the switch
	Borrow                        // kernel thread A borrowed mm X (enter_lazy_tlb: no CR3 write)
	CR3Write                      // switch_mm loaded CR3 with mm X's table
	CR3Skip                       // switch_mm(X, X): same mm, CR3 assumed right
	PreemptWindow                 // A preempted between CR3 read and write, holding value V; B is the vector that preempted it (timer, or #DB: inject=)
	ResumeWindow                  // A resumes in the window: will write V while active_mm is X (B: the CPU it was preempted on)
	Fault                         // user task A faulted at V, present in its mm X
	Detect                        // a detector fired
	Exit                          // task A enters do_exit (exit code V)
	ExitMM                        // exit_mm: task A sets its mm to nil and runs on its old mm X lazily, as a borrower
	TeardownFlush                 // exit_mmap: task A, a borrower now, flushes the TLB of its dying mm X (CR3 before it)
	FreePGD                       // mm X's page directory (at V) is freed
	Warn                          // flush=modern: task A (active_mm X) called a flush primitive preemptible
	Leave                         // this CPU, lazy on mm X, left it (leave_mm): out of X's mask, CR3 = init_mm
	Reload                        // switch_mm(X, X) for A on a CPU that had left X: CR3 reloaded
	NoReload                      // the same without the reload (shootdown=noreload): CR3 kept
	Shootdown                     // A changed mm X's mappings at V: flushed here, IPIs to the CPUs in mask CR3 (B: lazy CPUs skipped)
	StaleTLB                      // user task A read through a translation mm X no longer has, at V
	RemoteFlush                   // a shootdown made this CPU, running A on mm X, flush V
)

// Entry is one event. Tasks are ids; mms are ids (0 = the kernel's
// init_mm, -1 = none); CR3 is the value the CPU held right after; CPU is
// the processor it happened on. The owners of CR3 and of a page-table
// value in V are looked up when the event is recorded (OwnerOf): page
// tables are freed and reused, by the thousand a second when tasks exit,
// so at dump time a value may belong to another address space, or to
// none.
type Entry struct {
	Tick           uint64
	Kind           Kind
	CPU            int8
	A, B           int16
	X              int16
	VOwner, COwner int16 // mm ids owning V and CR3 then (-2: none; -1: not a page-table value)
	V              uintptr
	CR3            uintptr
}

// MaxEntries bounds the ring.
const MaxEntries = 4096

var (
	ring    [MaxEntries]Entry
	next    uint64
	Enabled bool
	// Clock returns the current tick (the scheduler installs it).
	Clock func() uint64
	// NameOf and OwnerOf let Dump print names (the scheduler and mm install them).
	NameOf  func(task int) string
	OwnerOf func(cr3 uintptr) int
	// CPUs returns how many CPUs run (the scheduler installs it): with
	// more than one, every event is printed with its CPU.
	CPUs func() int
)

// Add records an event when tracing is on, on the CPU it runs on. It may
// be called preemptible (the exit path, mm's frees, the flush assertion):
// the clock read, the CPU and the slot it fills are taken with interrupts
// off, so a CPU's events stay in order; slots are claimed atomically, as
// every CPU records into the one ring.
func Add(k Kind, a, b, x int, v, cr3 uintptr) {
	if !Enabled {
		return
	}
	flags := asm.SaveFlagsCli()
	var tick uint64
	if Clock != nil {
		tick = Clock()
	}
	vo, co := -1, -1
	if OwnerOf != nil {
		co = -2                         // no value: no owner
		if cr3 != 0 && k != Shootdown { // (a shootdown's CR3 field is a CPU mask)
			co = OwnerOf(cr3)
		}
		if holdsTable(k) {
			vo = OwnerOf(v)
		}
	}
	// Field by field into the claimed slot: a stress run records two
	// events at every tick, and building the Entry aside and copying it
	// in costs as much again.
	e := &ring[(atomic.AddUint64(&next, 1)-1)%MaxEntries]
	e.Tick, e.Kind, e.CPU = tick, k, int8(rt.CPUIndex())
	e.A, e.B, e.X = int16(a), int16(b), int16(x)
	e.VOwner, e.COwner = int16(vo), int16(co)
	e.V, e.CR3 = v, cr3
	asm.RestoreFlags(flags)
}

// holdsTable reports whether an event's V is a page-table address.
func holdsTable(k Kind) bool { return k == PreemptWindow || k == ResumeWindow || k == FreePGD }

// Count returns how many events were recorded in all.
func Count() uint64 { return atomic.LoadUint64(&next) }

// Last calls fn for the last n entries, oldest first.
func Last(n int, fn func(e *Entry)) {
	end := Count() // events recorded while we print must not extend the loop
	if uint64(n) > end {
		n = int(end)
	}
	if n > MaxEntries {
		n = MaxEntries
	}
	for i := end - uint64(n); i < end; i++ {
		fn(&ring[i%MaxEntries])
	}
}

// Mark returns the position of the next event: Explain(Mark(), ...)
// later reads only what was recorded since (one run's own events).
func Mark() uint64 { return Count() }

// Dump prints the last n entries, one line each, in the step-by-step
// language of the README's "A detected lockup, step by step" and
// docs/the-seed-patch.md, then the same entries for tools (TRACE-RAW).
func Dump(n int) {
	// Stop recording while printing: tasks still running (the dump may
	// run preemptible) would otherwise overwrite the entries being printed.
	was := Enabled
	Enabled = false
	defer func() { Enabled = was }()
	g := console.Begin() // the dump in one piece, whatever other CPUs print
	defer console.End(g)
	printLines(n)
	// The same events for tools (tools/timeline): one line each,
	// "TRACE-RAW tick kind a b x v cr3 v_owner cr3_owner [cpu]" (owners
	// are mm ids as recorded: 0 init_mm, -2 no live mm, -1 not a
	// page-table value; the CPU only with more than one), then the task
	// names.
	Last(n, printRaw)
	if NameOf != nil {
		for id := 0; id < rt.MaxStacks; id++ { // one task per kernel stack (sched.MaxTasks)
			if name := NameOf(id); name != "" && name != "?" {
				console.Printf("TRACE-TASK %d %s\n", id, name)
			}
		}
	}
	console.Print("TRACE-RAW END\n")
}

// Print prints the last n entries for people only (no TRACE-RAW block).
func Print(n int) {
	was := Enabled
	Enabled = false
	defer func() { Enabled = was }()
	g := console.Begin()
	defer console.End(g)
	printLines(n)
}

func printLines(n int) {
	total := Count()
	console.Printf("TRACE: last %d of %d events, oldest first (ticks count from boot; CR3 is the value after the event)\n", min(n, int(total)), total)
	Last(n, printEntry)
	console.Print("TRACE END\n")
}

var kindNames = [...]string{"none", "switch", "borrow", "cr3write", "cr3skip", "preempt-window", "resume-window", "fault", "detect",
	"exit", "exit-mm", "teardown-flush", "free-pgd", "warn",
	"leave", "reload", "noreload", "shootdown", "stale-tlb", "remote-flush"}

func printRaw(e *Entry) {
	console.Printf("TRACE-RAW %d %s %d %d %d %#x %#x %d %d", e.Tick, kindNames[e.Kind], e.A, e.B, e.X, e.V, e.CR3, e.VOwner, e.COwner)
	if smp() {
		console.Printf(" %d", e.CPU)
	}
	console.Print("\n")
}

// smp reports whether more than one CPU runs: events then carry their CPU.
func smp() bool { return CPUs != nil && CPUs() > 1 }

func printEntry(e *Entry) {
	if smp() {
		console.Printf("  [tick %6d cpu %d] ", e.Tick, e.CPU)
	} else {
		console.Printf("  [tick %6d] ", e.Tick)
	}
	switch e.Kind {
	case Switch:
		console.Print("switch   ")
		task(e.A)
		console.Print(" -> ")
		task(e.B)
		console.Print("  (active_mm ")
		mmName(int(e.X))
		console.Print(", CR3 = ")
		cr3Name(e.CR3, e.COwner)
		console.Print(")\n")
	case Borrow:
		console.Print("borrow   ")
		task(e.A)
		console.Print(" borrows ")
		mmName(int(e.X))
		console.Print(" lazily: no CR3 write\n")
	case CR3Write:
		console.Print("cr3      switch_mm loads CR3 = ")
		cr3Name(e.CR3, e.COwner)
		console.Print("\n")
	case CR3Skip:
		console.Print("cr3      switch_mm(")
		mmName(int(e.X))
		console.Print(", same): no CR3 write, trusting CR3 = ")
		cr3Name(e.CR3, e.COwner)
		console.Print("\n")
	case PreemptWindow:
		console.Print("PREEMPT  ")
		task(e.A)
		console.Print(" between `mov %cr3,%reg` and `mov %reg,%cr3`, holding CR3 value ")
		cr3Name(e.V, e.VOwner)
		console.Print(" (active_mm ")
		mmName(int(e.X))
		console.Print(")\n")
	case ResumeWindow:
		console.Print("RESUME   ")
		task(e.A)
		if e.VOwner == freedTable {
			// kernel/sched/freedroot.go defuses the write (FREED-PGD).
			console.Printf(" resumes in the window holding %#x, a freed page directory, while its active_mm is ", e.V)
			mmName(int(e.X))
			console.Print(": the kernel writes this CPU's CR3 instead\n")
			break
		}
		console.Print(" resumes in the window: writes CR3 = ")
		cr3Name(e.V, e.VOwner)
		console.Print(" while its active_mm is ")
		mmName(int(e.X))
		if int(e.B) != int(e.CPU) {
			console.Printf(" — preempted on CPU %d, it writes that CPU's old CR3 here", e.B)
		}
		console.Print("\n")
	case Fault:
		console.Print("FAULT    ")
		task(e.A)
		console.Printf(" at %#x: present in its ", e.V)
		mmName(int(e.X))
		console.Print(", but CR3 = ")
		cr3Name(e.CR3, e.COwner)
		console.Print("\n")
	case Detect:
		console.Print("DETECT   ")
		task(e.A)
		console.Print("\n")
	case Exit:
		console.Print("EXIT     ")
		task(e.A)
		console.Printf(" enters do_exit (code %d)\n", int(e.V))
	case ExitMM:
		console.Print("exit_mm  ")
		task(e.A)
		console.Print(" sets its mm to nil: it now borrows its old ")
		mmName(int(e.X))
		console.Print(" like a lazy kernel thread\n")
	case TeardownFlush:
		console.Print("teardown ")
		task(e.A)
		console.Print(" flushes the TLB of its dying ")
		mmName(int(e.X))
		console.Print(" (CR3 = ")
		cr3Name(e.CR3, e.COwner)
		console.Print(")\n")
	case FreePGD:
		console.Print("free     ")
		mmName(int(e.X))
		console.Printf("'s page directory %#x is freed\n", e.V)
	case Warn:
		console.Print("WARN     ")
		task(e.A)
		console.Print(" calls a flush primitive preemptible (flush=modern's assertion; active_mm ")
		mmName(int(e.X))
		console.Print(")\n")
	case Leave:
		console.Print("LEAVE    lazy on ")
		mmName(int(e.X))
		console.Print(", a shootdown made this CPU leave it (leave_mm): out of its cpu_vm_mask, CR3 = ")
		cr3Name(e.CR3, e.COwner)
		console.Print("\n")
	case Reload:
		console.Print("cr3      switch_mm(")
		mmName(int(e.X))
		console.Print(", same) for ")
		task(e.A)
		console.Print(": this CPU had left it, reload CR3 = ")
		cr3Name(e.CR3, e.COwner)
		console.Print("\n")
	case NoReload:
		console.Print("NORELOAD switch_mm(")
		mmName(int(e.X))
		console.Print(", same) for ")
		task(e.A)
		console.Print(": this CPU had left it, yet no reload: CR3 stays ")
		cr3Name(e.CR3, e.COwner)
		console.Print("\n")
	case Shootdown:
		console.Print("SHOOT    ")
		task(e.A)
		console.Print(" changed ")
		mmName(int(e.X))
		console.Printf(" at %#x: flushed here, invalidate IPIs to CPUs %#x", e.V, e.CR3)
		if e.B != 0 {
			console.Printf("; lazy CPUs %#x skipped, left in its cpu_vm_mask", e.B)
		}
		console.Print("\n")
	case RemoteFlush:
		console.Print("FLUSH    a shootdown for ")
		mmName(int(e.X))
		console.Print(" flushes this CPU (")
		task(e.A)
		console.Print(" owns it)")
		if e.V == ^uintptr(0) {
			console.Print(": all\n")
		} else {
			console.Printf(": %#x\n", e.V)
		}
	case StaleTLB:
		console.Print("STALE    ")
		task(e.A)
		console.Printf(" read %#x through a translation its ", e.V)
		mmName(int(e.X))
		console.Print(" no longer has\n")
	}
}

func task(t int16) {
	if NameOf == nil {
		console.Printf("task %d", t)
		return
	}
	console.Printf("%s[%d]", NameOf(int(t)), t)
}

func mmName(id int) {
	switch {
	case id < 0:
		console.Print("no mm")
	case id == 0:
		console.Print("init_mm")
	default:
		console.Printf("mm %d", id)
	}
}

// cr3Name names the owner of a CR3 value, as recorded (mm id, 0 for
// init_mm, -2 for no live mm).
// freedTable is the owner recorded for a page-table value no live mm owns.
const freedTable = -2

func cr3Name(cr3 uintptr, owner int16) {
	if OwnerOf == nil {
		console.Printf("%#x", cr3)
		return
	}
	id := int(owner)
	if id == freedTable {
		console.Printf("%#x (a freed page table)", cr3)
		return
	}
	mmName(id)
}
