// Package preempt is CONFIG_PREEMPT's preemption counter, kept apart from
// the scheduler so the flush primitives in kernel/mm can use it.
//
// Each task has a State (Linux: thread_info->preempt_count and the
// TIF_NEED_RESCHED flag). While Count > 0 the task may not be preempted:
// the timer still sets NeedResched, and the reschedule happens when Enable
// brings the count back to zero — exactly the 2.6 semantics the fix relies
// on: an interrupt that lands between the CR3 read and the CR3 write of a
// guarded flush cannot switch tasks until the write is done.
package preempt

// State is a task's preemption state.
type State struct {
	Count       int32 // preempt_count: > 0 means "do not preempt"
	NeedResched bool  // TIF_NEED_RESCHED: a reschedule is pending
	Locks       int32 // spinlocks held (kernel/spin): sleeping with one is a bug
}

var (
	// cur is the running task's state; the scheduler repoints it on
	// every switch. Before the scheduler starts it is the boot state.
	cur = &boot

	boot State

	// Resched is preempt_schedule(): the scheduler installs it.
	Resched func()

	// OnUnbalanced reports preempt_enable without a matching disable.
	OnUnbalanced func()

	// Deferred counts reschedule requests that found preempt_count > 0
	// and waited for preempt_enable: each is counted once, when Enable
	// carries it out. Several ticks inside one guarded region are one
	// request (NeedResched is a flag). For the stress reports.
	Deferred uint64
)

// SetCurrent makes s the running task's state (called by the scheduler).
//
//go:nosplit
func SetCurrent(s *State) { cur = s }

// Current returns the running task's state.
//
//go:nosplit
func Current() *State { return cur }

// Disable is preempt_disable(): nestable. Never inlined, so that the
// machine-code audit (tools/audit) sees every call.
//
//go:noinline
//go:nosplit
func Disable() { cur.Count++ }

// Enable is preempt_enable(): it reschedules if this was the outermost
// Enable and the timer asked for a reschedule meanwhile. Never inlined
// (see Disable). The common case — still nested, or outermost with
// nothing pending — is a few instructions and needs no stack frame: it
// runs inside every guarded flush, in the stress workload's hottest loop.
//
//go:noinline
//go:nosplit
func Enable() {
	s := cur
	s.Count--
	if s.Count > 0 || s.Count == 0 && !s.NeedResched {
		return
	}
	enableSlow(s)
}

// enableSlow is Enable's rare half: an unbalanced Enable (a kernel bug),
// or the outermost one with a reschedule pending (preempt_schedule()).
func enableSlow(s *State) {
	if s.Count < 0 && OnUnbalanced != nil {
		OnUnbalanced() // more Enables than Disables: a kernel bug (the handler repairs the count)
	}
	if s.Count == 0 && s.NeedResched && Resched != nil {
		Deferred++
		Resched()
	}
}

// LockTaken and LockReleased count the spinlocks the running task holds
// (kernel/spin calls them inside its preemption-off section, so the task
// cannot change in between): the scheduler reports a task that sleeps
// with one held.
//
//go:nosplit
func LockTaken() { cur.Locks++ }

// LockReleased is LockTaken's other half.
//
//go:nosplit
func LockReleased() { cur.Locks-- }

// Preemptible reports whether the running task may be preempted now.
//
//go:nosplit
func Preemptible() bool { return cur.Count == 0 }
