package stress

import (
	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/trap"
)

// starvedPercent: when timer ticks (handler, schedule, switch) took at
// least this share of the guest time since the last worker system call,
// the workers were starved, not hung: the run cannot judge the kernel.
// At the fixed icount shift of qemu.sh stress a tick holds thousands of
// instructions and the share stays far below; QEMU's shift=auto on a
// loaded host drives it towards 100 %.
const starvedPercent = 50

// watchdogEvery: the watchdog looks for worker progress every this many
// ticks, not at every one — the look walks the workers, and every
// instruction a tick spends is one the flushers do not get. (At hz=10000
// that is every 6.4 ms of guest time, against a hang= of seconds.)
const watchdogEvery = 64

// The watchdog's view of the last worker progress.
var (
	lastSyscalls, lastProgressTick uint64
	progressTSC, progressCycles    uint64 // TSC and sched.TickCycles then
)

// watchdog runs at every tick: no worker progress (system calls) for
// cfg.Hang seconds of guest time, while no other detector fired, is a hang of another kind.
func watchdog(f *trap.Frame) {
	if over() {
		return
	}
	// A worker never faults by itself: any worker killed by a fault the
	// other detectors did not explain is the race too (e.g. executing or
	// reading through another task's page tables). Other tasks' faults,
	// and kills for want of a frame, are not (sharing.go).
	if workerKills != 0 {
		if detect("WORKER-KILLED") {
			WorkerKills++
			console.Print("  a worker was killed by a fault (see the report above): it ran on page tables that are not its own\n")
			finish()
		}
		workerKills = 0 // counted (keepgoing): revive starts another worker
	}
	now := sched.Ticks
	if now%watchdogEvery != 0 && lastProgressTick != 0 {
		return
	}
	calls := workerCalls()
	if calls != lastSyscalls || lastProgressTick == 0 {
		lastSyscalls, lastProgressTick = calls, now
		progressTSC, progressCycles = asm.Rdtsc(), sched.TickCycles
		return
	}
	if now-lastProgressTick <= cfg.Hang*sched.HZ {
		return
	}
	share := tickShare(sched.TickCycles-progressCycles, asm.Rdtsc()-progressTSC)
	if share >= starvedPercent {
		starved(share)
		return
	}
	if !detect("HANG") {
		return
	}
	Hangs++
	console.Printf("  no worker made a system call in %d s of ticks (hang=), although timer ticks took only %d%% of the guest time: the tasks had time to run\n",
		cfg.Hang, share)
	finish()
}

// starved ends a run that could not judge the kernel: the workers made no
// progress because timer ticks ate their time. Not a detection — nothing
// the kernel did was wrong — but not a pass either: the run proved nothing.
func starved(share uint64) {
	if !reporting.CompareAndSwap(false, true) {
		return // a detection came first, or the run's end
	}
	g := console.Begin()
	result.Starved, result.Ticks, result.Counts = true, sched.Ticks-startTick, since(&base)
	console.Printf("STARVED: no worker made a system call in %d s of ticks (hang=), and timer ticks (handler, schedule, switch) took %d%% of the guest time:\n"+
		"  each tick held too few instructions for the tasks to make progress. The kernel did not hang; this run cannot judge it.\n"+
		"  Under QEMU -icount shift=auto a loaded host shortens every tick in instructions: run at a fixed shift (qemu.sh stress does).\n",
		cfg.Hang, share)
	printStat(0)
	PrintTasks()
	console.Printf("stress: result starved flush=%s\n", variant())
	console.End(g)
	end() // stop the watchdog and wake the supervisor
}

// percent returns part*100/whole, 0 for an empty whole.
func percent(part, whole uint64) uint64 {
	if whole == 0 {
		return 0
	}
	return part * 100 / whole
}

// statStart holds the TSC and sched.TickCycles when the run started, for
// the tick_overhead figure.
var statStartTSC, statStartCycles uint64

// printStat prints one line of counters: "STAT t=Ns" every second of
// ticks, "STAT end" (second 0) at the end of a run; quiet runs print only
// the last.
func printStat(second uint64) {
	if (cfg.Quiet || cfg.Brief) && second != 0 {
		return
	}
	g := console.Begin() // one line, whatever other CPUs print
	defer console.End(g)
	c, ticks := since(&base), sched.Ticks-startTick
	if second == 0 {
		// The end line shows the counts the run's Result holds: taken at
		// the detection, or when the run's time was up (before the teardown).
		c, ticks = result.Counts, result.Ticks
		if cfg.KeepGoing {
			ticks = runTicks // the counts are the whole run's, not up to the first detection
		}
		console.Print("STAT end ")
	} else {
		console.Printf("STAT t=%ds ", second)
	}
	now := asm.Rdtsc()
	console.Printf("ticks=%d switches=%d preemptions=%d window_hits=%d window_preemptions=%d deferred=%d leftover_ticks=%d "+
		"flushes=%d global_flushes=%d unguarded_lazy_flushes=%d borrows=%d cr3_writes=%d cr3_skips=%d "+
		"spurious_faults=%d spurious_episodes=%d demand_faults=%d injections=%d injections_refused=%d steered=%d detections=%d tick_overhead=%d%% guest_tsc=%d",
		ticks, c.Switches, c.Preemptions, c.WindowHits, c.WindowPreemptions,
		c.Deferred, c.LeftoverTicks, c.Flushes, c.GlobalFlushes, c.UnguardedLazyFlushes, c.Borrows,
		c.CR3Writes, c.CR3Skips, c.SpuriousFaults, c.SpuriousEpisodes, c.DemandFaults, c.Injections, c.InjectionsRefused,
		c.Steered, detections(),
		tickShare(sched.TickCycles-statStartCycles, now-statStartTSC),
		now-statStartTSC)
	printScenarioStat() // scenario.go: the recurrences' counters
	// With several CPUs: how many, and how often a task resumed on
	// another CPU than it left.
	if cpus := sched.CPUs(); cpus > 1 {
		console.Printf(" cpus=%d migrations=%d window_migrations=%d resched_ipis=%d", cpus, sched.Migrations, sched.WindowMigrations, sched.ReschedIPIs)
	}
	console.Print("\n")
}

// tickShare is the share of the guest time timer ticks took: the cycles
// of every CPU's ticks against as many CPUs' worth of elapsed cycles.
func tickShare(tickCycles, elapsed uint64) uint64 {
	return percent(tickCycles, elapsed*uint64(sched.CPUs()))
}

// detections is the STAT lines' count: a run stops at its first.
func detections() uint64 {
	if cfg.KeepGoing {
		return countedTotal
	}
	if result.Kind != "" {
		return 1
	}
	return 0
}

// printSummary ends a run no detector stopped.
func printSummary() {
	printStat(0)
	if !cfg.Brief {
		PrintTasks()
	}
	if result.Kind != "" { // keepgoing: counted, not stopped
		console.Printf("DETECTED: %s after %d ticks with flush=%s, the first of %d detections in %d ticks (keepgoing: each counted, the run went on):",
			result.Kind, result.Ticks, variant(), countedTotal, runTicks)
		for _, c := range counted {
			if c.kind != "" {
				console.Printf(" %s %d", c.kind, c.n)
			}
		}
		console.Printf("\nstress: result detected flush=%s detections=%d window_hits=%d window_preemptions=%d\n",
			variant(), countedTotal, result.Counts.WindowHits, result.Counts.WindowPreemptions)
		return
	}
	console.Printf("stress: result clean flush=%s window_hits=%d (interrupts inside a flush window, none of which could preempt)\n",
		variant(), result.Counts.WindowHits)
}

// PrintTasks prints the per-task table and, with several CPUs, a line
// per CPU.
func PrintTasks() {
	console.Print("TASKS  id name         state     mm active  switches preempts    ticks syscalls  borrows cpu migrations\n")
	sched.Tasks(printTask)
	if sched.CPUs() > 1 {
		sched.CPUStats(printCPU)
	}
}

func printTask(t *sched.Task) {
	console.Printf("TASKS %3d %-12s %-9s %2d %6d %9d %8d %8d %8d %8d %3d %10d\n", t.ID, t.Name(), t.State.String(),
		t.MM.IDOrNone(), t.ActiveMM.IDOrNone(), t.Switches, t.Preemptions, t.Ticks, t.Syscalls, t.Borrows, t.CPU, t.Migrations)
}

// printCPU prints one CPU's line: what it runs, its queue, its counters.
func printCPU(c *sched.CPUStat) {
	name, id := "-", -1
	if c.Curr != nil {
		name, id = c.Curr.Name(), c.Curr.ID
	}
	console.Printf("CPU %d  running %s[%d], %d queued; %d ticks, %d switches (%d to idle)\n",
		c.ID, name, id, c.Queued, c.Ticks, c.Switches, c.Idle)
}

// churn kills one worker every second and starts a fresh one: address
// spaces come and go, so a stale CR3 can point at a freed page table.
func churn(second uint64) {
	i := int(second) % cfg.Users
	if t := sched.ByID(workerIDs[i]); t != nil && inWorkerSlot(t) && t.MM != nil {
		sched.Kill(t)
	}
	spawnWorker(i)
}
