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
	"tlbrace/kernel/cmdline"
	"tlbrace/kernel/console"
	"tlbrace/kernel/hooks"
	"tlbrace/kernel/inject"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/trace"
	"tlbrace/kernel/user"
	"tlbrace/kernel/user/abi"
)

// Config is the workload's knobs (validated by kernel/cmdline).
type Config struct {
	Scenario        cmdline.Scenario // who borrows an mm and flushes (scenario_*.go)
	Caller          cmdline.Caller   // scenario=caller: its flush guarded or not
	Users, KThreads int
	Lockup          int    // spurious faults in a row that make a lockup
	Seconds         uint64 // guest seconds to run; 0 = until stopped
	Ticks           uint64 // if not 0, run this many ticks instead (less than a second)
	Hang            uint64 // guest seconds without worker progress that make a hang
	CheckCR3        bool   // check CR3 against active_mm at every switch
	Churn           bool   // kill and respawn a worker every second
	Trace           int    // trace entries to dump on a detection
	Quiet           bool   // no STAT line every second, only the final one
	// Brief: a detection prints the trace and its explanation for people
	// only (no TRACE-RAW block, no task table), and no STAT line every
	// second (the race demo of make qemu).
	Brief bool
	// Inject, if not 0, arms the breakpoint injector with this
	// probability for the run (hooks.Set.Inject); 0 leaves it as it is.
	Inject uint32
	// Steer: the scheduler's picks after a preemption in a flush window
	// are those that expose the race (steer.go); the policy makes all
	// the others.
	Steer bool
	// KeepGoing: a detection is counted (by kind) and the run goes on to
	// its end, the race healing as it does under CONFIG_PREEMPT (the next
	// switch to another mm reloads CR3); no report. The racy kernel's
	// steady state: how often its windows are hit, and how often that
	// goes wrong, per second. A HANG or a worker killed by a fault still
	// ends the run (endsKeepGoing), and a run with detections fails.
	KeepGoing bool
}

// Result is how a run ended. A detection no longer stops the machine:
// the caller decides (the stress workload exits with a test failure, the
// race demo goes on to the fixed flush, the monitor back to its prompt).
type Result struct {
	Kind    string // the detector that fired (LOCKUP, CROSS-MM, ...); "" if none did
	Starved bool   // ended STARVED: the workers could not run, the run judged nothing
	Ticks   uint64 // timer ticks from the start to the detection, or to the end
	Counts  Counts // during the run, up to the detection or the end (the STAT end line)
}

// Detected reports whether a detector fired.
func (r *Result) Detected() bool { return r.Kind != "" }

// Counts are the counters of the STAT lines, each counted from the
// run's start.
type Counts struct {
	Switches, Preemptions, WindowHits, WindowPreemptions, Deferred                uint64
	Flushes, GlobalFlushes, UnguardedLazyFlushes, Borrows, CR3Writes, CR3Skips    uint64
	SpuriousFaults, SpuriousEpisodes, DemandFaults, Injections, InjectionsRefused uint64
	Steered, LeftoverTicks                                                        uint64
}

var (
	cfg     Config
	worker  []byte
	stopped bool
	result  Result
	base    Counts          // the counters when the run started
	mark    uint64          // trace.Mark() when the run started
	boss    *sched.Task     // the task running Run: a detection wakes it
	kthread [16]*sched.Task // the flushers (kthreads= is at most 16)

	// Detections by kind.
	Lockups, CrossMM, Foreign, CR3Mismatches, StaleRoots, Hangs, WorkerKills uint64
	firstDetect                                                              uint64 // tick of the first detection (0 = none)
	startTick                                                                uint64
	detected                                                                 bool

	workerIDs [sched.MaxTasks]int // per worker (users= is at most 16)
)

// Run starts the workload, supervises it from the calling task until a
// detector fires or c.Seconds have passed, tears it down — every task it
// started is gone, CR3 holds what the scheduler believes, the hooks are
// those it found — and returns how it ended.
func Run(c Config, workerImage []byte) Result {
	cfg, worker = c, workerImage
	stopped, detected = false, false
	reporting.Store(false)
	result = Result{}
	workerKills = 0
	counted, countedTotal = [len(counted)]tally{}, 0
	boss = sched.Current()
	for i := range kthread {
		kthread[i] = nil
	}
	for i := range workerIDs {
		workerIDs[i] = -1 // no slot names a task of an earlier run
	}
	install()
	console.Printf("stress: start scenario=%s users=%d kthreads=%d flush=%s lockup=%d hz=%d checkcr3=%t churn=%t steer=%t\n",
		scenarioName(), c.Users, c.KThreads, variant(), c.Lockup, sched.HZ, c.CheckCR3 || mm.Selected == mm.Modern, c.Churn, c.Steer)
	startTick = sched.TickCount()
	base = counts()
	mark = trace.Mark()
	statStartTSC, statStartCycles = asm.Rdtsc(), sched.TickCycles
	lastProgressTick = 0
	if c.Scenario != cmdline.ScenarioExit {
		for i := 0; i < c.Users; i++ {
			spawnWorker(i)
		}
	}
	if c.Scenario == cmdline.ScenarioKthread {
		for i := 0; i < c.KThreads && i < len(kthread); i++ {
			kthread[i] = sched.Spawn("kflush", flusher, uintptr(i))
		}
	}
	startScenario() // the exit and caller scenarios' own tasks (scenario_*.go)
	second := uint64(0)
	for !detected {
		if c.Ticks != 0 { // a run shorter than a second: no STAT line, no churn
			sched.Sleep(c.Ticks)
			break
		}
		sched.Sleep(sched.HZ) // a detection wakes it early (end)
		if reporting.Load() {
			break
		}
		second++
		printStat(second)
		if c.Churn {
			churn(second)
		}
		revive()
		if c.Seconds != 0 && second >= c.Seconds {
			break
		}
	}
	if reporting.CompareAndSwap(false, true) {
		// The run's time is up: no detector may start a report from here
		// on (over). (A keepgoing run's Ticks stay those to its first
		// detection, if it had one.)
		runTicks = sched.Ticks - startTick
		if result.Kind == "" {
			result.Ticks = runTicks
		}
		result.Counts = since(&base)
	} else {
		for !detected {
			sched.Sleep(1) // a detector on another CPU is finishing its report
		}
	}
	// The flushers go first, while every address space still lives: a
	// racy flusher preempted in its window holds a CR3 value in a
	// register, and the IRET that resumes it writes that value. Were the
	// workers killed first, their page tables could be freed and reused
	// under it, and the write would load garbage: a triple fault after
	// the detection (seen in 2 of 64 injected runs on amd64).
	stopped = true // the flushers see it and exit
	if !sched.WaitGone(sched.HZ, kthread[:]...) {
		console.Print("stress: some flusher threads did not stop within a second\n")
	}
	stopScenario()
	// Then the workers. One already in do_exit (a fault killed it) is left
	// to finish its exit by Kill, preemptible as Linux's do_exit is: wait
	// for every one to be gone before the leak check counts frames. (A
	// worker the OOM killer sent into do_exit just before the end was
	// preempted in its teardown and never ran again: its mm was reported
	// leaked, 2 of 40 runs of TestOutOfMemory's stress-oom on 386.)
	var workers [len(workerIDs)]*sched.Task
	for i := 0; i < c.Users; i++ {
		if t := sched.ByID(workerIDs[i]); t != nil && inWorkerSlot(t) {
			workers[i] = t
			if t.MM != nil {
				sched.Kill(t)
			}
		}
	}
	if !sched.WaitGone(sched.HZ, workers[:c.Users]...) {
		console.Print("stress: some workers did not exit within a second\n")
	}
	// A racy flusher may have written a stale CR3 on its way out, and the
	// borrowed mm may be gone: run on init_mm, with CR3 loaded for it.
	sched.LeaveMM()
	sched.ReloadCR3()
	if !detected {
		printSummary() // (a keepgoing run's detections too)
	}
	hooks.Restore(&replaced)
	return result
}

// counts reads the counters of the STAT lines.
func counts() Counts {
	return Counts{
		Switches: sched.Schedules, Preemptions: sched.Preemptions, WindowHits: sched.WindowHits,
		WindowPreemptions: sched.PreemptionsInWindow, Deferred: preempt.Deferred,
		Flushes: mm.Flushes, GlobalFlushes: mm.GlobalFlushes, UnguardedLazyFlushes: uint64(mm.UnguardedLazyFlushes()),
		Borrows: sched.LazyBorrows, CR3Writes: sched.CR3Writes, CR3Skips: sched.CR3Skips,
		SpuriousFaults: mm.SpuriousFaults, SpuriousEpisodes: mm.SpuriousEpisodes, DemandFaults: mm.DemandFaults,
		Injections: inject.Injections, InjectionsRefused: inject.Refused,
		Steered: Steered, LeftoverTicks: sched.LeftoverTicks,
	}
}

// since returns the counters now minus b.
func since(b *Counts) Counts {
	c := counts()
	return Counts{
		c.Switches - b.Switches, c.Preemptions - b.Preemptions, c.WindowHits - b.WindowHits,
		c.WindowPreemptions - b.WindowPreemptions, c.Deferred - b.Deferred,
		c.Flushes - b.Flushes, c.GlobalFlushes - b.GlobalFlushes, wordDelta(c.UnguardedLazyFlushes, b.UnguardedLazyFlushes),
		c.Borrows - b.Borrows, c.CR3Writes - b.CR3Writes, c.CR3Skips - b.CR3Skips,
		c.SpuriousFaults - b.SpuriousFaults, c.SpuriousEpisodes - b.SpuriousEpisodes, c.DemandFaults - b.DemandFaults,
		c.Injections - b.Injections, c.InjectionsRefused - b.InjectionsRefused,
		c.Steered - b.Steered, c.LeftoverTicks - b.LeftoverTicks,
	}
}

// wordDelta is c - b for a counter kept in a machine word (it may have
// wrapped between the two readings on 386).
func wordDelta(c, b uint64) uint64 { return uint64(uintptr(c) - uintptr(b)) }

// variant names the active flush variant, for the reports.
func variant() string { return mm.Selected.String() }

// detectors is everything the stress workload plugs into the kernel:
// every detector, the watchdog and the trace (CheckCR3 and Inject come
// from the configuration). Run installs it and restores what it replaced
// when the run is over, detection or not.
var detectors = hooks.Set{
	OnSpurious:    onSpurious,
	QuietSpurious: true, // onSpurious reports instead
	OnSegfault:    onSegfault,
	OnStaleRoot:   onStaleRoot,
	OnFreedRoot:   onFreedRoot,
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
	set.Inject = cfg.Inject
	if cfg.Steer {
		steerReset()
		set.Chooser = steer
	}
	replaced = hooks.Install(&set)
	hookKills()
}

func spawnWorker(i int) {
	t := user.Exec("worker", worker)
	if t == nil {
		console.Printf("stress: cannot start worker %d\n", i)
		workerIDs[i] = -1
		return
	}
	workerIDs[i] = t.ID
}

// flusher is a lazy-TLB kernel thread flushing the TLB in a loop, both
// primitives in turn, as driver code calling ioremap would (mm.FlushRound
// says why fifteen local flushes to one global).
func flusher(uintptr) {
	for !stopped {
		mm.FlushRound()
	}
}

// onSpurious is told of every "present PTE, fault anyway" fault. run is
// how many times in a row this task hit this page with no CR3 load in
// between: the seed's infinite page-fault loop, made finite by a bound.
func onSpurious(t *mm.Task, va uintptr, write bool, run int) {
	if run == 1 {
		trace.Add(trace.Fault, t.ID, 0, t.MM.ID, va, asm.ReadCR3())
	}
	if run == cfg.Lockup && detect("LOCKUP") {
		Lockups++
		console.Printf("  task %d (%s) faulted %d times in a row on %#x (%s), present and permitted in its mm %d\n",
			t.ID, t.Name, run, va, rw(write), t.MM.ID)
		mm.ReportWrongCR3(t, va, write)
		finish()
	}
}

// onReport receives the worker's "I read another task's signature".
func onReport(t *sched.Task, kind, addr, value uintptr) {
	if !isWorker(t) || kind != abi.ReportForeign {
		Ignored++ // a fuzzer's, say: only a worker's report of another task's signature is evidence
		return
	}
	if !detect("CROSS-MM") {
		return
	}
	CrossMM++
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
	if t.Name != "worker" && t.Name != "exiter" || !detect("FOREIGN-POINTER") {
		return
	}
	Foreign++
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
	if !detectIn("CR3-MISMATCH", next.ID) { // in the switch, before next runs
		return
	}
	CR3Mismatches++
	m := sched.CR3ShouldHold(next) // loaded_mm with flush=modern, else next's active_mm
	console.Printf("  switching %d (%s) -> %d (%s): CR3 %#x, but %s %d's page table is %#x; CR3 belongs to ",
		prev.ID, prev.Name(), next.ID, next.Name(), cr3, believedName(), m.IDOrNone(), m.Root)
	mm.PrintOwner(cr3)
	console.Print("\n")
	finish()
}

func onStaleRoot(m *mm.MM) {
	if !detect("FREED-PGD") {
		return // (also the teardown of a run that detected: Drop repairs CR3)
	}
	StaleRoots++
	console.Printf("  mm %d freed while CR3 still pointed at its page table %#x: a use-after-free\n", m.ID, m.Root)
	finish()
}

// onFreedRoot: t resumes in its flush window holding root, the page
// directory of an mm that died while t was away. The scheduler has
// already made the write harmless (kernel/sched/freedroot.go); without
// that the CPU would walk a freed frame.
func onFreedRoot(t *sched.Task, root uintptr) {
	if !detectIn("FREED-PGD", t.ID) { // in the switch, before t runs
		return
	}
	StaleRoots++
	console.Printf("  task %d (%s) resumes in its flush window holding CR3 value %#x, the page directory of an mm freed while it was away: its write would load a freed frame (a use-after-free); this CPU's CR3 is written instead\n",
		t.ID, t.Name(), root)
	finish()
}

// reporting is claimed by the first detection, or by the run's end: on
// several CPUs two detectors may fire at once, and only the first
// reports; what comes after the run's end is not reported.
var reporting atomic.Bool

// reportGroup is the console group of the report in progress: from
// detectIn to finish, one piece of output, whatever other CPUs print.
var reportGroup uintptr

// over reports that the run has ended or a detector has already fired:
// one detection per run; what the teardown stirs up is not reported.
func over() bool { return reporting.Load() || stopped }

// detect starts a detection's report, if it is the run's first (else it
// reports false, and the caller reports nothing). The ticks are counted
// from the run's start; the trace's, and gdb's, from boot: the line gives
// both.
func detect(kind string) bool { return detectIn(kind, sched.Current().ID) }

// detectIn is detect for a detection that belongs to another task than
// the running one (the check at a switch: to the task switched to).
func detectIn(kind string, task int) bool {
	if cfg.KeepGoing && !endsKeepGoing(kind) {
		countDetection(kind)
		return false
	}
	if !reporting.CompareAndSwap(false, true) {
		return false
	}
	reportGroup = console.Begin() // interrupts off until finish ends the group
	now := sched.Ticks
	runTicks = now - startTick
	if cfg.KeepGoing {
		countDetection(kind) // the one that ends it, in the STAT line's tally too
	}
	if firstDetect == 0 {
		firstDetect = now
	}
	result.Kind, result.Ticks, result.Counts = kind, now-startTick, since(&base)
	trace.Add(trace.Detect, task, 0, 0, 0, 0)
	// The trace ends here: on several CPUs the others go on running (and
	// recording) while the report prints, and would push the race out of
	// the ring before it is dumped and explained.
	trace.Enabled = false
	console.Printf("DETECTED: %s after %d ticks (%d ms of guest time) with flush=%s, at tick %d since boot\n",
		kind, now-startTick, (now-startTick)*1000/sched.HZ, variant(), now)
	return true
}

// endsKeepGoing reports whether a detection ends even a keepgoing run: a
// HANG (nothing heals it), and a worker killed by a fault (FOREIGN-POINTER,
// WORKER-KILLED). The kill tears the worker's address space down while a
// flusher preempted in its window may still hold that page directory in a
// register, and go on to write it into CR3: a use-after-free that ended in
// a triple fault (386 seed 5 did, before this rule). The scheduler now
// defuses that write on resume (kernel/sched/freedroot.go: FREED-PGD), but
// not if another CPU frees the mm in the instants before the write.
func endsKeepGoing(kind string) bool {
	return kind == "HANG" || kind == "FOREIGN-POINTER" || kind == "WORKER-KILLED"
}

// Counted detections (keepgoing): by kind, in the order first seen; and
// the ticks of the whole run, to which its counts belong.
var (
	runTicks     uint64
	counted      [8]tally
	countedTotal uint64
)

// tally is one kind of detection and how many times it was counted.
type tally struct {
	kind string
	n    uint64
}

// countDetection counts one detection of a keepgoing run. It may run
// inside a switch (the CR3 check), so it only counts; the run's end
// prints the tally (printSummary).
func countDetection(kind string) {
	flags := asm.SaveFlagsCli()
	countedTotal++
	if result.Kind == "" {
		result.Kind, result.Ticks = kind, sched.Ticks-startTick
	}
	for i := range counted {
		if c := &counted[i]; c.kind == kind || c.kind == "" {
			c.kind = kind
			c.n++
			break
		}
	}
	asm.RestoreFlags(flags)
}

// finish prints the evidence — the trace, what happened step by step,
// the counters — and ends the run: a detection means the kernel is
// broken (which, with flush=racy, is the point). The supervisor in Run
// wakes up, tears the run down and returns the result. All of it runs
// with interrupts off, in the console group detectIn began.
func finish() {
	if cfg.Brief {
		trace.Print(cfg.Trace)
	} else {
		trace.Dump(cfg.Trace)
	}
	trace.Explain(mark, result.Kind, cfg.Lockup)
	printStat(0)
	if !cfg.Brief {
		PrintTasks()
	}
	console.Printf("stress: result detected flush=%s\n", variant())
	console.End(reportGroup)
	end()
}

// end stops the detectors and the trace and wakes the supervisor.
func end() {
	detected = true
	trace.Enabled = false
	sched.Wake(boss)
}

func rw(write bool) string {
	if write {
		return "write"
	}
	return "read"
}
