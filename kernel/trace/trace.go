// Package trace is a ring buffer of scheduler and mm events, cheap enough
// to record on every context switch. When the stress workload detects the
// race it prints the last entries: the exact interleaving — the
// "constellation" of the seed — that put the wrong CR3 under a task.
package trace

import (
	"sync/atomic"

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
	PreemptWindow                 // A preempted between CR3 read and write, holding value V
	ResumeWindow                  // A resumes in the window: will write V while active_mm is X (B: the CPU it was preempted on)
	Fault                         // user task A faulted at V, present in its mm X
	Detect                        // a detector fired
	Leave                         // this CPU, lazy on mm X, left it (leave_mm): out of X's mask, CR3 = init_mm
	Reload                        // switch_mm(X, X) for A on a CPU that had left X: CR3 reloaded
	NoReload                      // the same without the reload (shootdown=noreload): CR3 kept
	Shootdown                     // A changed mm X's mappings at V: flushed here, IPIs to the CPUs in mask CR3 (B: lazy CPUs skipped)
	StaleTLB                      // user task A read through a translation mm X no longer has, at V
	RemoteFlush                   // a shootdown made this CPU, running A on mm X, flush V
)

// Entry is one event. Tasks are ids; mms are ids (0 = the kernel's
// init_mm, -1 = none); CR3 is the value the CPU held right after; CPU is
// the processor it happened on.
type Entry struct {
	Tick uint64
	Kind Kind
	CPU  int8
	A, B int16
	X    int16
	V    uintptr
	CR3  uintptr
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

// Add records an event when tracing is on, on the CPU it runs on (callers
// run with interrupts off, but for the detectors' own marks).
func Add(k Kind, a, b, x int, v, cr3 uintptr) {
	if !Enabled {
		return
	}
	var tick uint64
	if Clock != nil {
		tick = Clock()
	}
	i := atomic.AddUint64(&next, 1) - 1
	ring[i%MaxEntries] = Entry{Tick: tick, Kind: k, CPU: int8(rt.CPUIndex()), A: int16(a), B: int16(b), X: int16(x), V: v, CR3: cr3}
}

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

// Dump prints the last n entries, one line each, in the step-by-step
// language of the README's "A detected lockup, step by step" and
// docs/the-seed-patch.md.
func Dump(n int) {
	// Stop recording while printing: tasks still running (the dump may
	// run preemptible) would otherwise overwrite the entries being printed.
	was := Enabled
	Enabled = false
	defer func() { Enabled = was }()
	g := console.Begin() // the dump in one piece, whatever other CPUs print
	defer console.End(g)
	console.Printf("TRACE: last %d of %d events, oldest first (CR3 is the value after the event)\n", min(n, int(next)), next)
	Last(n, printEntry)
	console.Print("TRACE END\n")
	// The same events for tools (tools/timeline): one line each,
	// "TRACE-RAW tick kind a b x v cr3 v_owner cr3_owner [cpu]" (owners
	// are mm ids: 0 init_mm, -2 no live mm; the CPU only with more than
	// one), then the task names.
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

var kindNames = [...]string{"none", "switch", "borrow", "cr3write", "cr3skip", "preempt-window", "resume-window", "fault", "detect",
	"leave", "reload", "noreload", "shootdown", "stale-tlb", "remote-flush"}

func printRaw(e *Entry) {
	vo, co := -1, -1
	if OwnerOf != nil {
		co = OwnerOf(e.CR3)
		if e.Kind == PreemptWindow || e.Kind == ResumeWindow {
			vo = OwnerOf(e.V)
		}
	}
	console.Printf("TRACE-RAW %d %s %d %d %d %#x %#x %d %d", e.Tick, kindNames[e.Kind], e.A, e.B, e.X, e.V, e.CR3, vo, co)
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
		cr3Name(e.CR3)
		console.Print(")\n")
	case Borrow:
		console.Print("borrow   ")
		task(e.A)
		console.Print(" borrows ")
		mmName(int(e.X))
		console.Print(" lazily: no CR3 write\n")
	case CR3Write:
		console.Print("cr3      switch_mm loads CR3 = ")
		cr3Name(e.CR3)
		console.Print("\n")
	case CR3Skip:
		console.Print("cr3      switch_mm(")
		mmName(int(e.X))
		console.Print(", same): no CR3 write, trusting CR3 = ")
		cr3Name(e.CR3)
		console.Print("\n")
	case PreemptWindow:
		console.Print("PREEMPT  ")
		task(e.A)
		console.Print(" between `mov %cr3,%reg` and `mov %reg,%cr3`, holding CR3 value ")
		cr3Name(e.V)
		console.Print(" (active_mm ")
		mmName(int(e.X))
		console.Print(")\n")
	case ResumeWindow:
		console.Print("RESUME   ")
		task(e.A)
		console.Print(" resumes in the window: writes CR3 = ")
		cr3Name(e.V)
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
		cr3Name(e.CR3)
		console.Print("\n")
	case Detect:
		console.Print("DETECT   ")
		task(e.A)
		console.Print("\n")
	case Leave:
		console.Print("LEAVE    lazy on ")
		mmName(int(e.X))
		console.Print(", a shootdown made this CPU leave it (leave_mm): out of its cpu_vm_mask, CR3 = ")
		cr3Name(e.CR3)
		console.Print("\n")
	case Reload:
		console.Print("cr3      switch_mm(")
		mmName(int(e.X))
		console.Print(", same) for ")
		task(e.A)
		console.Print(": this CPU had left it, reload CR3 = ")
		cr3Name(e.CR3)
		console.Print("\n")
	case NoReload:
		console.Print("NORELOAD switch_mm(")
		mmName(int(e.X))
		console.Print(", same) for ")
		task(e.A)
		console.Print(": this CPU had left it, yet no reload: CR3 stays ")
		cr3Name(e.CR3)
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

// cr3Name names the owner of a CR3 value (OwnerOf: mm id, 0 for init_mm,
// -2 for no live mm).
func cr3Name(cr3 uintptr) {
	if OwnerOf == nil {
		console.Printf("%#x", cr3)
		return
	}
	id := OwnerOf(cr3)
	if id == -2 {
		console.Printf("%#x (a freed page table)", cr3)
		return
	}
	mmName(id)
}
