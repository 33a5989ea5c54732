// Package stress is the lockup reproducer: the constellation of the seed
// patch, run continuously until a detector fires or time runs out.
//
//   - Users user tasks run the worker program, each in its own address
//     space, touching private pages at addresses no other task maps (a
//     wrong CR3 makes them fault) and a shared-address page holding its
//     own signature (a wrong CR3 makes it read another task's);
//   - KThreads lazy-TLB kernel threads call flushTLB and flushTLBGlobal in
//     a loop: the "ioremap from driver init" of the seed;
//   - the jittered timer and the shuffle scheduler preempt anything,
//     anywhere, including between `mov %cr3,%reg` and `mov %reg,%cr3`.
//
// With flush=racy the window is open and a lockup follows; with
// flush=fixed preemption is disabled across it and nothing may ever be
// detected, while the counters prove interrupts did land in the window.
package stress

import (
	"sync/atomic"
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/hooks"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/trace"
	"tlbrace/kernel/user"
)

// Config is the workload's knobs (validated by kernel/cmdline).
type Config struct {
	Users, KThreads int
	Lockup          int    // spurious faults in a row that make a lockup
	Seconds         uint64 // guest seconds to run; 0 = until stopped
	Hang            uint64 // guest seconds without worker progress that make a hang
	CheckCR3        bool   // check CR3 against active_mm at every switch
	Churn           bool   // kill and respawn a worker every second
	Trace           int    // trace entries to dump on a detection
	Quiet           bool   // no STAT line every second, only the final one
}

var (
	cfg     Config
	worker  []byte
	stopped bool

	// Detections by kind.
	Lockups, CrossMM, Foreign, CR3Mismatches, StaleRoots, Hangs, WorkerKills uint64
	firstDetect                                                              uint64 // tick of the first detection (0 = none)
	startTick                                                                uint64
	detected                                                                 bool

	flushLoops [sched.MaxTasks]uint64 // per flusher (kthreads= is at most 16)
	workerIDs  [sched.MaxTasks]int    // per worker (users= is at most 16)
)

// Run starts the workload and supervises it from the calling task; it
// returns true if no detector fired.
func Run(c Config, workerImage []byte) bool {
	cfg, worker = c, workerImage
	stopped, detected = false, false
	reporting.Store(false)
	faultKills0 = sched.FaultKills
	install()
	console.Printf("stress: start users=%d kthreads=%d flush=%s lockup=%d hz=%d checkcr3=%t churn=%t\n",
		c.Users, c.KThreads, variant(), c.Lockup, sched.HZ, c.CheckCR3, c.Churn)
	startTick = sched.TickCount()
	statStartTSC, statStartCycles = asm.Rdtsc(), sched.TickCycles
	lastProgressTick, Starved = 0, false
	for i := 0; i < c.Users; i++ {
		spawnWorker(i)
	}
	for i := 0; i < c.KThreads; i++ {
		sched.Spawn("kflush", flusher, uintptr(i))
	}
	second := uint64(0)
	for !detected {
		sched.Sleep(sched.HZ)
		second++
		printStat(second)
		if c.Churn {
			churn(second)
		}
		if c.Seconds != 0 && second >= c.Seconds {
			break
		}
	}
	stopped = true // the flushers see it and exit
	for i := 0; i < c.Users; i++ {
		if t := sched.ByID(workerIDs[i]); t != nil && t.MM != nil {
			sched.Kill(t)
		}
	}
	printSummary()
	hooks.Restore(&replaced)
	return !detected
}

// variant names the active flush variant, for the reports.
func variant() string { return mm.Selected.String() }

// detectors is everything the stress workload plugs into the kernel:
// every detector, the watchdog and the trace (CheckCR3 comes from the
// configuration). Run installs it and, on a clean end, restores what it
// replaced; a detection stops the machine.
var detectors = hooks.Set{
	OnSpurious:    onSpurious,
	QuietSpurious: true, // onSpurious reports instead
	OnSegfault:    onSegfault,
	OnStaleRoot:   onStaleRoot,
	OnReport:      onReport,
	OnCR3Mismatch: onCR3Mismatch,
	OnTick:        watchdog,
	Trace:         true,
}

// replaced is what Run's Install replaced.
var replaced hooks.Set

// install hooks every detector in.
func install() {
	set := detectors
	set.CheckCR3 = cfg.CheckCR3
	replaced = hooks.Install(&set)
}

func spawnWorker(i int) {
	t := user.Exec("worker", worker)
	if t == nil {
		console.Printf("stress: cannot start worker %d\n", i)
		return
	}
	workerIDs[i] = t.ID
}

// flusher is a lazy-TLB kernel thread flushing the TLB in a loop, both
// primitives in turn, as driver code calling ioremap would.
func flusher(i uintptr) {
	// The selected variant's primitives, called directly: three local
	// flushes for each global one, the loop's own cost spread over four
	// flush windows.
	local, global := mm.Primitives()
	for !stopped {
		local()
		local()
		local()
		global()
		mm.CountFlushes(3, 1)
		flushLoops[i%uintptr(len(flushLoops))]++
	}
}

// onSpurious is told of every "present PTE, fault anyway" fault. run is
// how many times in a row this task hit this page with no CR3 load in
// between: the seed's infinite page-fault loop, made finite by a bound.
func onSpurious(t *mm.Task, va uintptr, write bool, run int) {
	if run == 1 {
		trace.Add(trace.Fault, t.ID, 0, t.MM.ID, va, asm.ReadCR3())
	}
	if run == cfg.Lockup {
		Lockups++
		detect("LOCKUP")
		console.Printf("  task %d (%s) faulted %d times in a row on %#x (%s), present and permitted in its mm %d\n",
			t.ID, t.Name, run, va, rw(write), t.MM.ID)
		mm.ReportWrongCR3(t, va, write)
		finish()
	}
}

// onReport receives the worker's "I read another task's signature".
func onReport(t *sched.Task, kind, addr, value uintptr) {
	CrossMM++
	detect("CROSS-MM")
	console.Printf("  task %d (%s) read %#x at %#x: task %d's signature — silent access to another address space\n",
		t.ID, t.Name(), value, addr, value&0xffff)
	if t.MM != nil {
		if e := mm.Lookup(t.MM.Root, addr); e.Has(mm.PTEPresent) {
			console.Printf("  its own mm %d maps %#x to frame %#x, which holds %#x\n",
				t.MM.ID, addr, e.Addr(), *(*uint32)(unsafe.Pointer(e.Addr() + addr&0xfff)))
		} else {
			console.Printf("  its own mm %d does not even map %#x: the address came from another task's memory (its stack, read through the wrong page tables)\n", t.MM.ID, addr)
		}
	}
	console.Printf("  cr3 %#x belongs to ", asm.ReadCR3())
	mm.PrintOwner(asm.ReadCR3())
	console.Print("\n")
	finish()
}

// onSegfault: a worker never leaves its VMAs by itself. If it touched an
// address that another address space maps, it got the pointer from that
// space's memory — typically its own stack slot read through another
// task's page tables, which hold *that* task's pointers.
func onSegfault(t *mm.Task, va uintptr, write bool) {
	if t.Name != "worker" {
		return
	}
	Foreign++
	detect("FOREIGN-POINTER")
	if o := mm.Owning(va, t.MM); o != nil {
		console.Printf("  task %d (%s) used %#x, an address of mm %d, not of its own mm %d: it read a pointer through the wrong page tables\n",
			t.ID, t.Name, va, o.ID, t.MM.ID)
	} else {
		console.Printf("  task %d (%s) used %#x, outside its mm %d: a corrupted pointer\n", t.ID, t.Name, va, t.MM.ID)
	}
	console.Printf("  cr3 %#x belongs to ", asm.ReadCR3())
	mm.PrintOwner(asm.ReadCR3())
	console.Print("\n")
	finish()
}

func onCR3Mismatch(prev, next *sched.Task, cr3 uintptr) {
	CR3Mismatches++
	detect("CR3-MISMATCH")
	console.Printf("  switching %d (%s) -> %d (%s): CR3 %#x, but active_mm %d's page table is %#x\n",
		prev.ID, prev.Name(), next.ID, next.Name(), cr3, next.ActiveMM.ID, next.ActiveMM.Root)
	finish()
}

func onStaleRoot(m *mm.MM) {
	StaleRoots++
	detect("FREED-PGD")
	console.Printf("  mm %d freed while CR3 still pointed at its page table %#x: a use-after-free\n", m.ID, m.Root)
	finish()
}

// reporting is set by the first detection: on several CPUs two may fire
// at once, and only the first reports (the machine stops after it).
var reporting atomic.Bool

func detect(kind string) {
	if !reporting.CompareAndSwap(false, true) {
		asm.Cli()
		for {
			asm.Hlt() // another CPU is reporting its detection and will stop the machine
		}
	}
	// The report from here to the exit is one piece of output: other CPUs
	// wait for the console (and the machine stops before they get it).
	console.Begin()
	now := sched.Ticks
	if firstDetect == 0 {
		firstDetect = now
	}
	trace.Add(trace.Detect, sched.Current().ID, 0, 0, 0, 0)
	console.Printf("DETECTED: %s after %d ticks (%d ms of guest time) with flush=%s\n",
		kind, now-startTick, (now-startTick)*1000/sched.HZ, variant())
}

// finish prints the evidence and stops the machine with a test failure:
// a detection means the kernel is broken (which, with flush=racy, is the
// point).
func finish() {
	asm.Cli()
	trace.Dump(cfg.Trace)
	printStat(0)
	PrintTasks()
	console.Printf("stress: result detected flush=%s\n", variant())
	detected = true
	exitDetected()
}

func rw(write bool) string {
	if write {
		return "write"
	}
	return "read"
}
