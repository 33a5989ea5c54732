package stress

import (
	"tlbrace/asm"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
)

// Steering (steer=on, the stress workload's default): the scheduler's
// next three picks after a timer interrupt (or an injected breakpoint)
// has preempted a lazy kernel thread inside its flush window.
//
// The window is hit by the timer alone, wherever the interrupt happens to
// land; steering never makes a hit happen. But a hit becomes the race only
// if three picks follow in a particular order (README, "A detected
// lockup, step by step", steps 3 to 5), and the shuffle policy makes each
// of them with a probability of one half or less: measured, one window
// preemption in seven led to a detection (docs/performance.md). Steering
// makes those picks, each of them a task the shuffle might have picked:
//
//  1. right after the preemption: a worker whose page table is not the
//     one the preempted thread read (switch_mm loads its mm: step 3);
//  2. when that worker is preempted: the thread preempted in its window,
//     which now borrows the worker's mm and writes back the value it read
//     (step 4);
//  3. when that thread is preempted: the worker of the mm it borrows,
//     whose switch_mm sees the same mm and skips the CR3 load (step 5);
//  4. while that worker faults on the wrong page tables (step 6) and CR3
//     still holds the stale value: when it is preempted, a kernel thread
//     (it borrows the worker's mm: no CR3 write), then the worker again —
//     so that no switch to the other mm heals CR3 before the lockup
//     detector has seen lockup= faults in a row (a spurious fault costs
//     hundreds of instructions: a short tick ends an episode after one or
//     two of them, and a shuffle would soon pick the other worker). Once
//     a detector has seen it (a keepgoing run counts the detection and
//     goes on), the episode has shown what it can: the policy picks
//     again.
//
// Nothing else changes: the scheduler's semantics, the flush, the
// switch, the detectors. Any other pick is the policy's, and so is every
// pick of a run in which no flush is ever preempted in its window — every
// flush=fixed run. If a pick cannot be made (the task is not runnable, the
// mm is not what it should be), steering lets the policy pick and waits
// for the next window preemption.

// Steering's phases: what the next pick should be.
const (
	steerIdle    = iota // nothing pending: the policy picks
	steerResume         // a worker of steerMM ran: resume the preempted thread
	steerExpose         // the thread resumed on steerMM: switch to its worker
	steerEpisode        // the worker runs on the stale CR3: keep its mm loaded
)

// steerEpisodePicks bounds step 4: picks made for one episode.
const steerEpisodePicks = 64

var (
	steerPhase  int
	steerVictim int    // the task preempted in its window
	steerMM     *mm.MM // the mm its resumption borrows
	steerSeen   uint64 // sched.PreemptionsInWindow at the last pick
	steerWorker int    // step 4: the worker faulting on the stale CR3
	steerPicks  int    // step 4: picks made so far
	steerFound  uint64 // step 4: detections() when it began

	// Steered counts the picks steering made, by phase (STAT: steered=).
	Steered uint64
)

// steerReset starts a run with nothing pending.
func steerReset() {
	steerPhase, steerVictim, steerMM, steerWorker = steerIdle, -1, nil, -1
	steerSeen = sched.PreemptionsInWindow
}

// steer is the scheduler's Chooser during a stress run with steer=on: the
// index of the task to run in rq, or -1 for the policy's pick. It runs in
// schedule() with interrupts off; sched.Current() is the task giving up
// the CPU (queued at rq's tail if it is still runnable).
func steer(rq *sched.RunQueue) int {
	prev := sched.Current()
	if steerPhase == steerEpisode {
		// A window preemption during the episode (a kernel thread
		// reading the stale CR3) needs nothing more: the worker runs on
		// the stale value either way.
		steerSeen = sched.PreemptionsInWindow
		if i := steerEpisodePick(rq, prev); i >= 0 {
			Steered++
			return i
		}
		steerPhase = steerIdle
	}
	if n := sched.PreemptionsInWindow; n != steerSeen {
		// prev was just preempted inside a flush window, holding the
		// CR3 value it read: CR3 still holds it.
		steerSeen = n
		steerPhase = steerIdle
		if prev.MM == nil && !over() {
			held := asm.ReadCR3()
			if i := queuedWorker(rq, nil, held); i >= 0 {
				steerPhase, steerVictim = steerResume, prev.ID
				steerMM = sched.ByID(rq.At(i)).MM
				Steered++
				return i
			}
		}
		return -1
	}
	switch steerPhase {
	case steerResume:
		steerPhase = steerIdle
		if prev.ActiveMM == steerMM {
			if i := queuedTask(rq, steerVictim); i >= 0 {
				steerPhase = steerExpose
				Steered++
				return i
			}
		}
	case steerExpose:
		steerPhase = steerIdle
		if prev.ID == steerVictim && prev.ActiveMM == steerMM {
			if i := queuedWorker(rq, steerMM, 0); i >= 0 {
				steerPhase, steerWorker, steerPicks = steerEpisode, rq.At(i), 0
				steerFound = detections()
				Steered++
				return i
			}
		}
	}
	return -1
}

// steerEpisodePick is step 4: the index of the next task of the episode,
// or -1 once it is over (CR3 is right again, a detector has seen it, the
// run is over, or the picks ran out). Without the detection's end a
// keepgoing run's episodes went on to the last of their picks, a worker
// faulting on and on after its lockup had been counted: a sixth of the
// steady run's ticks (docs/performance.md).
func steerEpisodePick(rq *sched.RunQueue, prev *sched.Task) int {
	if over() || steerPicks >= steerEpisodePicks || asm.ReadCR3() == steerMM.Root || detections() != steerFound {
		return -1
	}
	steerPicks++
	if prev.ID == steerWorker {
		return queuedKThread(rq)
	}
	if prev.MM == nil && prev.ActiveMM == steerMM {
		return queuedTask(rq, steerWorker)
	}
	return -1
}

// queuedKThread returns the run-queue index of the first queued kernel
// thread of the run (a flusher), or -1.
func queuedKThread(rq *sched.RunQueue) int {
	for i := 0; i < rq.Len(); i++ {
		id := rq.At(i)
		for _, k := range kthread {
			if k != nil && k.ID == id && k.MM == nil {
				return i
			}
		}
	}
	return -1
}

// queuedWorker returns the run-queue index of the first queued worker
// whose mm is m (m != nil), or whose page table is not the one at root
// (m == nil); -1 if there is none.
func queuedWorker(rq *sched.RunQueue, m *mm.MM, root uintptr) int {
	for i := 0; i < rq.Len(); i++ {
		t := sched.ByID(rq.At(i))
		if t == nil || t.MM == nil || !inWorkerSlot(t) {
			continue
		}
		if m != nil && t.MM == m || m == nil && t.MM.Root != root {
			return i
		}
	}
	return -1
}

// queuedTask returns the run-queue index of task id, or -1.
func queuedTask(rq *sched.RunQueue, id int) int {
	for i := 0; i < rq.Len(); i++ {
		if rq.At(i) == id {
			return i
		}
	}
	return -1
}
