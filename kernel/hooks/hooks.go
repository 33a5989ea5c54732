// Package hooks is what a workload plugs into the kernel for its run:
// detectors, scheduling control, staging and tracing. A workload writes
// its hooks down in one Set literal, Installs it when it starts and
// Restores what Install replaced when it ends, so that whatever runs next
// (another workload, the same one again from the monitor, the next
// kernel test) starts from the kernel it expects.
//
// The zero Set is the kernel as booted: no detector, the policy picks,
// the timer preempts, nothing traced, injection as the command line set
// it. The scheduler's own wiring into mm, trap, preempt and trace is made
// once at boot and never changes (kernel/sched/wiring.go); it is not here.
package hooks

import (
	"tlbrace/kernel/inject"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/trace"
	"tlbrace/kernel/trap"
	"tlbrace/kernel/user"
)

// Set is every hook a workload may install; each field names the
// package variable it sets.
type Set struct {
	// Detectors: told about what the race leaves behind.
	OnSpurious    func(t *mm.Task, va uintptr, write bool, run int) // mm.OnSpurious: a present PTE faulted anyway
	QuietSpurious bool                                              // mm.QuietSpurious: no WRONG-CR3 line per episode
	OnSegfault    func(t *mm.Task, va uintptr, write bool)          // mm.OnSegfault: a user access outside the task's VMAs
	OnStaleRoot   func(m *mm.MM)                                    // mm.OnStaleRoot: a page table freed while CR3 held it
	OnFreedRoot   func(t *sched.Task, root uintptr)                 // sched.OnFreedRoot: a task resumed in its flush window holding a freed page table
	OnReport      func(t *sched.Task, kind, addr, value uintptr)    // user.OnReport: the worker's report system call
	CheckCR3      bool                                              // sched.CheckCR3: compare CR3 with active_mm at every switch
	OnCR3Mismatch func(prev, next *sched.Task, cr3 uintptr)         // sched.OnCR3Mismatch: that comparison failed
	OnTick        func(f *trap.Frame)                               // sched.OnTick: every timer tick (watchdogs)

	// Scheduling control.
	Chooser       func(rq *sched.RunQueue) int // sched.Chooser: picks the next task instead of the policy
	NoTickPreempt bool                         // sched.NoTickPreempt: the timer no longer asks for reschedules
	// Inject is the breakpoint injector's probability in percent
	// (inject.Arm). Install leaves the injector alone when it is 0;
	// Restore puts back exactly what Install found, off included.
	Inject uint32

	// Staging: sched.BeforeUserEntry runs just before a task first
	// enters ring 3 (kernel tests stage a wrong CR3 with it).
	BeforeUserEntry func(t *sched.Task)

	// Trace is trace.Enabled: record events for a dump on detection.
	Trace bool
}

// Install makes s the kernel's hooks and returns the set it replaced,
// which Restore puts back.
func Install(s *Set) Set {
	prev := installed()
	apply(s, s.Inject != 0)
	return prev
}

// Restore puts back a set that Install returned.
func Restore(s *Set) { apply(s, true) }

// installed reads the hooks in place now.
func installed() Set {
	return Set{
		OnSpurious:      mm.OnSpurious,
		QuietSpurious:   mm.QuietSpurious,
		OnSegfault:      mm.OnSegfault,
		OnStaleRoot:     mm.OnStaleRoot,
		OnFreedRoot:     sched.OnFreedRoot,
		OnReport:        user.OnReport,
		CheckCR3:        sched.CheckCR3,
		OnCR3Mismatch:   sched.OnCR3Mismatch,
		OnTick:          sched.OnTick,
		Chooser:         sched.Chooser,
		NoTickPreempt:   sched.NoTickPreempt,
		Inject:          inject.Percent(),
		BeforeUserEntry: sched.BeforeUserEntry,
		Trace:           trace.Enabled,
	}
}

// apply sets every hook from s; the injector only if setInject.
func apply(s *Set, setInject bool) {
	mm.OnSpurious = s.OnSpurious
	mm.QuietSpurious = s.QuietSpurious
	mm.OnSegfault = s.OnSegfault
	mm.OnStaleRoot = s.OnStaleRoot
	sched.OnFreedRoot = s.OnFreedRoot
	user.OnReport = s.OnReport
	sched.CheckCR3 = s.CheckCR3
	sched.OnCR3Mismatch = s.OnCR3Mismatch
	sched.OnTick = s.OnTick
	sched.Chooser = s.Chooser
	sched.NoTickPreempt = s.NoTickPreempt
	if setInject {
		inject.Arm(s.Inject)
	}
	sched.BeforeUserEntry = s.BeforeUserEntry
	trace.Enabled = s.Trace
}
