package stress

import (
	"tlbrace/kernel/cmdline"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
)

// The stress run shares the machine: with the fuzzers of workload=fuzz
// stress=on, which call report(), fault and get killed on purpose, and
// with oom=/framecap=, under which any task may be killed for want of a
// frame. Only the workers' own evidence may count as the race, and a
// worker killed for want of a frame is replaced, not a detection.

// isWorker reports whether t is one of this run's workers: a task whose
// reports, faults and kills are evidence. With scenario=exit those are the
// steady task B and the exiting tasks (scenario_exit.go).
func isWorker(t *sched.Task) bool {
	if cfg.Scenario == cmdline.ScenarioExit {
		return isExitTask(t)
	}
	return inWorkerSlot(t)
}

// inWorkerSlot reports whether t is the worker started in one of the
// workerIDs slots (the kthread and caller scenarios).
func inWorkerSlot(t *sched.Task) bool {
	for i := 0; i < cfg.Users && i < len(workerIDs); i++ {
		if workerIDs[i] == t.ID && t.Name() == "worker" {
			return true
		}
	}
	return false
}

// workerKills counts workers killed by a fault of their own (not for
// want of a frame): the WORKER-KILLED detector's evidence.
var workerKills uint64

// Ignored counts reports from tasks that are not workers.
var Ignored uint64

var (
	kill       func(why string) // the scheduler's, which killCounted wraps
	killHooked bool
)

// hookKills puts killCounted in front of mm.Kill, once.
func hookKills() {
	if !killHooked {
		kill, mm.Kill, killHooked = mm.Kill, killCounted, true
	}
}

// killCounted notes a worker killed by its own fault, then kills.
func killCounted(why string) {
	if t := sched.Current(); isWorker(t) && why != mm.OutOfMemory {
		workerKills++
	}
	kill(why)
}

// workerCalls is the system calls the live workers have made: their
// progress, whatever other tasks do.
func workerCalls() uint64 {
	if cfg.Scenario == cmdline.ScenarioExit {
		return exitCalls()
	}
	var n uint64
	for i := 0; i < cfg.Users && i < len(workerIDs); i++ {
		if t := sched.ByID(workerIDs[i]); t != nil && isWorker(t) {
			n += t.Syscalls
		}
	}
	return n
}

// revive starts a worker in every slot whose worker is gone (killed for
// want of a frame, or never started because exec found none).
func revive() {
	if cfg.Scenario == cmdline.ScenarioExit {
		return // its respawner refills the slots (scenario_exit.go)
	}
	for i := 0; i < cfg.Users && i < len(workerIDs); i++ {
		if t := sched.ByID(workerIDs[i]); t == nil || !inWorkerSlot(t) || t.State == sched.Dead || t.MM == nil {
			Revived++
			spawnWorker(i)
		}
	}
}

// Revived counts workers started again by revive.
var Revived uint64
