package stress

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/inject"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/trace"
	"tlbrace/kernel/trap"
	"tlbrace/kernel/user"
)

// faultKills0 is sched.FaultKills when the run started.
var faultKills0 uint64

// hangSeconds without any worker system call is a hang.
const hangSeconds = 5

// watchdog runs at every tick: no worker progress (system calls) for
// hangSeconds, while no other detector fired, is a hang of another kind.
func watchdog(f *trap.Frame) {
	if stopped || detected {
		return
	}
	// A worker never faults by itself: any worker killed by a fault the
	// other detectors did not explain is the race too (e.g. executing or
	// reading through another task's page tables).
	if sched.FaultKills != faultKills0 {
		WorkerKills++
		detect("WORKER-KILLED")
		console.Print("  a worker was killed by a fault (see the report above): it ran on page tables that are not its own\n")
		finish()
	}
	calls := user.Syscalls[user.SysYield] + user.Syscalls[user.SysWrite]
	now := sched.Ticks
	if calls != lastSyscalls || lastProgressTick == 0 {
		lastSyscalls, lastProgressTick = calls, now
		return
	}
	if now-lastProgressTick > hangSeconds*sched.HZ {
		Hangs++
		detect("HANG")
		console.Printf("  no worker made a system call for %d seconds\n", hangSeconds)
		finish()
	}
}

// printStat prints one line of counters: second 0 means "final" (quiet
// runs print only that one).
func printStat(second uint64) {
	if cfg.Quiet && second != 0 {
		return
	}
	var loops uint64
	for _, n := range flushLoops {
		loops += n
	}
	console.Printf("STAT t=%ds ticks=%d switches=%d preemptions=%d window_hits=%d window_preemptions=%d deferred=%d "+
		"flushes=%d global_flushes=%d unguarded_lazy_flushes=%d borrows=%d cr3_writes=%d cr3_skips=%d "+
		"spurious_faults=%d spurious_episodes=%d demand_faults=%d injections=%d injections_refused=%d detections=%d\n",
		second, sched.Ticks-startTick, sched.Schedules, sched.Preemptions, sched.WindowHits, sched.PreemptionsInWindow,
		preempt.Deferred, mm.Flushes, mm.GlobalFlushes, mm.UnguardedLazyFlushes, sched.LazyBorrows,
		sched.CR3Writes, sched.CR3Skips, mm.SpuriousFaults, mm.SpuriousEpisodes, mm.DemandFaults, inject.Injections, inject.Refused,
		Lockups+CrossMM+Foreign+CR3Mismatches+StaleRoots+Hangs+WorkerKills)
}

func printSummary() {
	printStat(0)
	PrintTasks()
	if detected {
		console.Printf("stress: result detected flush=%s\n", variant())
		return
	}
	console.Printf("stress: result clean flush=%s window_hits=%d (interrupts inside a flush window, none of which could preempt)\n",
		variant(), sched.WindowHits)
}

// PrintTasks prints the per-task table.
func PrintTasks() {
	console.Print("TASKS  id name         state     mm active  switches preempts    ticks syscalls  borrows\n")
	sched.Tasks(printTask)
}

func printTask(t *sched.Task) {
	console.Printf("TASKS %3d %-12s %-9s %2d %6d %9d %8d %8d %8d %8d\n", t.ID, t.Name(), t.State.String(),
		t.MM.IDOrNone(), t.ActiveMM.IDOrNone(), t.Switches, t.Preemptions, t.Ticks, t.Syscalls, t.Borrows)
}

// churn kills one worker every second and starts a fresh one: address
// spaces come and go, so a stale CR3 can point at a freed page table.
func churn(second uint64) {
	i := int(second) % cfg.Users
	if t := sched.ByID(workerIDs[i]); t != nil && t.MM != nil {
		sched.Kill(t)
	}
	spawnWorker(i)
}

func exitDetected() {
	trace.Enabled = false
	rt.Exit(rt.ExitTestFailed)
}
