package mm

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
	armed bool
	every uint64 // fail every every-th allocation (0: none by count)
	seen  uint64 // allocations asked for since Arm
	floor int    // with a cap: fail when Free would drop below this
	cap   bool
}

// ArmFailures starts failing allocations: every Nth from now on (every >
// 0), and any that would leave more than limit frames in use beyond those
// in use now (limit > 0). DisarmFailures stops it.
func (a *FrameAllocator) ArmFailures(every uint64, limit int) {
	a.fail = failPolicy{armed: every > 0 || limit > 0, every: every, floor: a.Free - limit, cap: limit > 0}
}

// DisarmFailures lets every allocation succeed again (while frames last).
func (a *FrameAllocator) DisarmFailures() { a.fail.armed = false }

// injectFailure reports whether this allocation is to fail on purpose.
func (a *FrameAllocator) injectFailure() bool {
	p := &a.fail
	if !p.armed {
		return false
	}
	p.seen++
	switch {
	case p.every > 0 && p.seen%p.every == 0:
		return true
	case p.cap && a.Free <= p.floor:
		return true
	}
	return false
}
