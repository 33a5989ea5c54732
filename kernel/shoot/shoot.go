// Package shoot is the missed-shootdown reproducer (workload=shoot): the
// SMP lazy-TLB bug that is not the seed's. Two threads of one address
// space run on two CPUs (user/shoot): the main thread on CPU 0 unmaps
// and remaps a page, round after round, and the freed frame is handed
// out again at once; the reader on CPU 1 reads the page through its TLB
// and sleeps in between, so CPU 1 runs its idle task — a lazy kernel
// thread borrowing the address space — exactly when the shootdown comes.
//
// With shootdown=fixed (Linux 2.6.10) the lazy CPU takes the IPI and
// leaves the mm, and switch_mm reloads CR3 when the reader comes back: the
// reader always reads the current generation. The two broken variants:
//
//	noreload  switch_mm does not reload on lazy re-entry: the reader runs
//	          on the kernel's page table that leave_mm loaded, and faults
//	          on a page its mm maps, forever (MISSED-RELOAD, a lockup);
//	skiplazy  the shootdown skips the lazy CPU but leaves it in the mask:
//	          nothing flushes its TLB and switch_mm sees no reason to
//	          reload; the reader reads the frame its mapping no longer
//	          has — freed and poisoned by its new owner (STALE-TLB).
package shoot

import (
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/hooks"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/trace"
	"tlbrace/kernel/trap"
	"tlbrace/kernel/user"
	"tlbrace/kernel/user/abi"
)

// Config is the workload's knobs.
type Config struct {
	Seconds uint64 // guest seconds to run (0: until a detection)
	Lockup  int    // spurious faults in a row that make a lockup
	Hang    uint64 // guest seconds without a round that make a hang
	Trace   int    // trace entries to dump on a detection
	Quiet   bool   // only the final STAT line
}

var (
	cfg        Config
	mainThread *sched.Task // the main thread (CPU 0)
	detected   bool
	start      uint64 // tick the run started

	// Detections by kind.
	Stale, MissedReloads, Hangs, Killed uint64

	lastRounds, lastProgress uint64
	faultKills0              uint64
)

// detectors is what the workload plugs in for its run.
var detectors = hooks.Set{
	OnSpurious:    onSpurious,
	QuietSpurious: true,
	OnReport:      onReport,
	OnTick:        watchdog,
	Trace:         true,
}

var replaced hooks.Set

// Run runs the reproducer and reports whether nothing was detected. It
// needs two CPUs.
func Run(c Config, image []byte) bool {
	cfg, detected = c, false
	if sched.CPUs() < 2 {
		console.Printf("shoot: workload=shoot needs two CPUs (qemu.sh --smp 2); %d online\n", sched.CPUs())
		rt.Exit(rt.ExitBadConfig)
	}
	replaced = hooks.Install(&detectors)
	console.Printf("shoot: start shootdown=%s: main thread on CPU 0 remaps a page the reader on CPU 1 reads (lazy between reads)\n",
		mm.Shootdown.String())
	start, faultKills0 = sched.TickCount(), sched.FaultKills
	startTSC = asm.Rdtsc()
	lastRounds, lastProgress = 0, start
	me := sched.Current()
	sched.SetAffinity(me, 1<<0) // the main thread inherits CPU 0
	mainThread = user.Exec("shoot", image)
	sched.SetAffinity(me, 0)
	if mainThread == nil {
		console.Print("shoot: cannot start user/shoot\n")
		hooks.Restore(&replaced)
		return false
	}
	for second := uint64(1); !detected; second++ {
		sched.Sleep(sched.HZ)
		printStat(second)
		if cfg.Seconds != 0 && second >= cfg.Seconds {
			break
		}
	}
	stopAll()
	printStat(0)
	console.Printf("shoot: result clean shootdown=%s rounds=%d ipis=%d acked=%d lazy_leaves=%d lazy_reloads=%d lazy_skipped=%d\n",
		mm.Shootdown.String(), rounds(), mm.IPIsSent, mm.IPIsAcked, mm.LazyLeaves, mm.LazyReloads, mm.LazySkipped)
	hooks.Restore(&replaced)
	return true
}

// stopAll kills both threads and waits for them to go.
func stopAll() {
	var threads [2]*sched.Task
	n := 0
	for id := 0; id < sched.MaxTasks && n < len(threads); id++ {
		if t := sched.ByID(id); t != nil && t.MM != nil && mainThread != nil && t.MM == mainThread.MM {
			threads[n] = t
			n++
		}
	}
	for _, t := range threads[:n] {
		sched.Kill(t)
	}
	sched.WaitGone(sched.HZ, threads[0], threads[1])
}

// rounds reads the main thread's round counter (P+8) through its mm.
func rounds() uint64 {
	m := mainThread
	if m == nil || m.MM == nil {
		return lastRounds
	}
	pa, ok := mm.Translate(m.MM.Root, user.PrivateBase(m.MM)+8)
	if !ok {
		return 0
	}
	return uint64(*(*uint32)(ptr(pa)))
}

// printStat prints one line of counters: STAT t=Ns, or STAT end.
func printStat(second uint64) {
	if cfg.Quiet && second != 0 {
		return
	}
	var head [24]byte
	n := console.Format(head[:], "t=%ds", second)
	if second == 0 {
		n = copy(head[:], "end")
	}
	var lat uint64
	if mm.Shootdowns > 0 {
		lat = mm.ShootdownCycles / mm.Shootdowns
	}
	p50, p99 := latencyPercentiles()
	console.Printf("STAT %s rounds=%d shootdowns=%d ipis=%d acked=%d polled=%d lazy_leaves=%d lazy_reloads=%d missed_reloads=%d lazy_skipped=%d "+
		"shootdown_cycles=%d shootdown_p50=%d shootdown_p99=%d stuck=%d migrations=%d detections=%d guest_tsc=%d\n",
		head[:n], rounds(), mm.Shootdowns, mm.IPIsSent, mm.IPIsAcked, mm.ShootdownsPolled, mm.LazyLeaves, mm.LazyReloads,
		mm.MissedReloads, mm.LazySkipped, lat, p50, p99, mm.StuckShootdowns, sched.Migrations, Stale+MissedReloads+Hangs+Killed,
		asm.Rdtsc()-startTSC)
}

// sorted holds the latency samples while latencyPercentiles sorts them.
var (
	sorted   [1024]uint32
	nsorted  int
	startTSC uint64
)

// latencyPercentiles returns the median and the 99th percentile of the
// recorded shootdown latencies (TSC cycles: guest time).
func latencyPercentiles() (p50, p99 uint64) {
	nsorted = 0
	mm.LatencySamples(addSample)
	if nsorted == 0 {
		return 0, 0
	}
	for i := 1; i < nsorted; i++ { // insertion sort: at most 1024 samples, once a second
		for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	return uint64(sorted[nsorted/2]), uint64(sorted[nsorted*99/100])
}

func addSample(c uint32) {
	if nsorted < len(sorted) {
		sorted[nsorted] = c
		nsorted++
	}
}

// onReport receives the reader's report: it read, through the probe
// page's address, something else than the generation published.
func onReport(t *sched.Task, kind, addr, value uintptr) {
	if kind != abi.ReportStale {
		return
	}
	Stale++
	trace.Add(trace.StaleTLB, t.ID, 0, t.MM.IDOrNone(), addr, 0)
	detect("STALE-TLB")
	console.Printf("  task %d (%s) on CPU %d read %#x at %#x, its probe page: not the generation the main thread published there\n",
		t.ID, t.Name(), t.CPU, value, addr)
	if pa, ok := mm.Translate(t.MM.Root, addr); ok {
		console.Printf("  its mm %d maps %#x to frame %#x, which holds %#x\n", t.MM.ID, addr, pa&^(mm.PageSize-1), *(*uint32)(ptr(pa)))
	}
	reuse := user.PrivateBase(t.MM) + abi.ReuseOffset
	if pa, ok := mm.Translate(t.MM.Root, reuse); ok && uint32(value)&0xffff0000 == abi.ShootPoison {
		console.Printf("  %#x is the poison of the reuse page %#x (frame %#x): the frame the probe page had before munmap, freed and handed out again —\n"+
			"  CPU %d's TLB still held the old translation: the shootdown did not reach it (shootdown=%s)\n",
			value, reuse, pa&^(mm.PageSize-1), t.CPU, mm.Shootdown.String())
	} else {
		console.Printf("  a stale translation: CPU %d's TLB still maps the probe page to the frame munmap freed (shootdown=%s)\n",
			t.CPU, mm.Shootdown.String())
	}
	finish()
}

// onSpurious: a fault on a page the task's mm maps, again and again.
// Here it means CR3 does not hold the task's page table: under
// shootdown=noreload, the kernel's own, which leave_mm loaded.
func onSpurious(t *mm.Task, va uintptr, write bool, run int) {
	if run == 1 {
		trace.Add(trace.Fault, t.ID, 0, t.MM.ID, va, asm.ReadCR3())
	}
	if run != cfg.Lockup {
		return
	}
	MissedReloads++
	detect("MISSED-RELOAD")
	console.Printf("  task %d (%s) on CPU %d faulted %d times in a row on %#x, present and permitted in its mm %d\n",
		t.ID, t.Name, t.CPU, run, va, t.MM.ID)
	mm.ReportWrongCR3(t, va, write)
	if asm.ReadCR3() == mm.KernelRoot {
		console.Printf("  CR3 is the kernel's own page table: CPU %d left mm %d when a shootdown found it lazy (leave_mm), and switch_mm(mm %d, same) did not reload (shootdown=%s)\n",
			t.CPU, t.MM.ID, t.MM.ID, mm.Shootdown.String())
	}
	finish()
}

// watchdog: no round for cfg.Hang seconds is a hang (a shootdown that
// never completes, say); a thread killed by a fault is a detection too.
func watchdog(f *trap.Frame) {
	if detected {
		return
	}
	if sched.FaultKills != faultKills0 {
		Killed++
		detect("KILLED")
		console.Print("  a thread of user/shoot was killed by a fault (see the report above)\n")
		finish()
	}
	now := sched.Ticks
	if r := rounds(); r != lastRounds {
		lastRounds, lastProgress = r, now
		return
	}
	if now-lastProgress > cfg.Hang*sched.HZ {
		Hangs++
		detect("HANG")
		console.Printf("  no round in %d s: shootdowns %d, IPIs %d sent %d acknowledged, %d stuck\n",
			cfg.Hang, mm.Shootdowns, mm.IPIsSent, mm.IPIsAcked, mm.StuckShootdowns)
		finish()
	}
}

func detect(kind string) {
	console.Begin() // the report in one piece, to the exit (finish)
	now := sched.Ticks
	trace.Add(trace.Detect, sched.Current().ID, 0, 0, 0, 0)
	console.Printf("DETECTED: %s after %d ticks (%d ms of guest time) with shootdown=%s, round %d\n",
		kind, now-start, (now-start)*1000/sched.HZ, mm.Shootdown.String(), rounds())
}

// finish prints the evidence and stops the machine with a test failure.
func finish() {
	detected = true
	asm.Cli()
	trace.Dump(cfg.Trace)
	printStat(0)
	console.Printf("shoot: result detected shootdown=%s\n", mm.Shootdown.String())
	trace.Enabled = false
	rt.Exit(rt.ExitTestFailed)
}

// ptr makes an identity-mapped physical address dereferenceable.
func ptr(pa uintptr) unsafe.Pointer { return unsafe.Pointer(pa) }
