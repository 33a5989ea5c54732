package mm

import (
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trap"
)

// Out of memory on demand (oom=N, framecap=N on the command line): the
// frame allocator fails allocations on purpose while a workload runs, so
// that every path that needs a frame — demand paging, a system call, exec,
// a page table — meets a failure it must survive: the task that needed
// the frame gets -ENOMEM or is killed with a report, the kernel goes on,
// and nothing leaks.

// OutOfMemory is why the fault handler kills a task it found no frame
// for (the stress workload tells it from the race's kills by it).
const OutOfMemory = "out of memory"

// failPolicy is what Arm set up; the zero value fails nothing.
type failPolicy struct {
	armed  bool
	every  uint64      // fail every every-th counted allocation (0: none by count)
	counts func() bool // which allocations count (nil: all)
	seen   uint64      // allocations counted since Arm
	floor  int         // with a cap: fail when Free would drop below this
	cap    bool
}

// ArmFailures starts failing allocations: every Nth of those counts
// approves (all if counts is nil) from now on (every > 0), and any that
// would leave more than limit frames in use beyond those in use now
// (limit > 0). DisarmFailures stops it.
func (a *FrameAllocator) ArmFailures(every uint64, limit int, counts func() bool) {
	a.fail = failPolicy{armed: every > 0 || limit > 0, every: every, counts: counts, floor: a.Free - limit, cap: limit > 0}
}

// DisarmFailures lets every allocation succeed again (while frames last).
func (a *FrameAllocator) DisarmFailures() { a.fail.armed = false }

// injectFailure reports whether this allocation is to fail on purpose.
func (a *FrameAllocator) injectFailure() bool {
	p := &a.fail
	if !p.armed {
		return false
	}
	if p.cap && a.Free <= p.floor {
		return true
	}
	if p.every == 0 || (p.counts != nil && !p.counts()) {
		return false
	}
	p.seen++
	return p.seen%p.every == 0
}

// ForTask approves, as the counts of ArmFailures, the allocations made
// for the running task: in a trap handler (its page fault, its system
// call), not in a kernel thread (a loader's exec, say) — oom=N makes
// tasks meet failures, while their programs still load.
func ForTask() bool { return trap.IsInterruptG(rt.CurrentG()) }
