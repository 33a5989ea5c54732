// Package preempt is CONFIG_PREEMPT's preemption counter, kept apart from
// the scheduler so the flush primitives in kernel/mm can use it.
//
// Each task has a State (Linux: thread_info->preempt_count and the
// TIF_NEED_RESCHED flag). While Count > 0 the task may not be preempted:
// the timer still sets NeedResched, and the reschedule happens when Enable
// brings the count back to zero — exactly the 2.6 semantics the fix relies
// on: an interrupt that lands between the CR3 read and the CR3 write of a
// guarded flush cannot switch tasks until the write is done.
//
// The running task's State is found through its g (rt.G.Thread), as
// Linux finds thread_info through the stack pointer: never through a
// per-CPU variable, which a task preempted between reading it and
// incrementing the count would read on one CPU and use on another.
package preempt

import (
	"sync/atomic"
	"unsafe"

	"tlbrace/kernel/rt"
)

// State is a task's preemption state.
type State struct {
	Count       int32 // preempt_count: > 0 means "do not preempt"
	NeedResched bool  // TIF_NEED_RESCHED: a reschedule is pending
	Locks       int32 // spinlocks held (kernel/spin): sleeping with one is a bug

	// Borrowing: the task has no mm of its own and runs on a borrowed
	// one (lazy TLB) — a kernel thread, or a user task past exit_mm. The
	// scheduler keeps it beside the count because every racy flush asks
	// (kernel/mm's noteUnguarded, Ingo's guard): the one question it
	// needs answered, one load away.
	Borrowing bool
}

var (
	// override, when set, is the state Current returns whatever runs. A
	// host process (the unit tests) has no kernel g to find a task's
	// state through: until the kernel calls Boot, one State stands for
	// whatever runs. (The kernel's own build of the fast paths does not
	// read it at all: preempt_*.s, TLBRACE_KERNEL.)
	override = &hosted
	hosted   State

	// irq[i] is the state of code on CPU i that runs with no task's g:
	// interrupt handlers (on the interrupt g), the boot thread before the
	// scheduler makes it task 0.
	irq [rt.MaxCPUs]State

	// Resched is preempt_schedule(): the scheduler installs it.
	Resched func()

	// OnUnbalanced reports preempt_enable without a matching disable.
	OnUnbalanced func()

	// LazyUnguarded counts the calls of NoteLazyUnguarded that found the
	// running task preemptible and borrowing an mm: the racy flushes of
	// kernel/mm call it, so it is their unguarded_lazy_flushes (Ingo's
	// check). A machine word, as Linux's TLB flush event counters are
	// (count_vm_tlb_event): it wraps after 2^32 on 386, two days of racy
	// flushing, and readers take differences modulo the word.
	LazyUnguarded uintptr

	// Deferred counts reschedule requests that found preempt_count > 0
	// and waited for preempt_enable: each is counted once, when Enable
	// carries it out. Several ticks inside one guarded region are one
	// request (NeedResched is a flag). For the stress reports.
	Deferred uint64
)

// SetCurrent makes s the state Current returns, whatever runs (host
// tests, which have no kernel g); nil goes back to the one hosted State.
func SetCurrent(s *State) {
	if s == nil {
		s = &hosted
	}
	override = s
}

// Boot makes Current find the running task's state through its g, as
// the kernel runs: its Main calls it before anything else, on the boot
// thread, whose g has its CPU's state until the scheduler makes it task 0.
func Boot() {
	AttachCPU(rt.CurrentG(), 0)
	override = nil
}

// Current returns the running task's state (in an interrupt handler, the
// CPU's interrupt state, not the interrupted task's). Current, Disable,
// Enable and Preemptible are written in assembly (preempt_386.s,
// preempt_amd64.s): a flush calls Disable and Enable around its two
// instructions, and the stress workload's flushers do nothing else, so
// every instruction here is one fewer flush window per tick. Each is the
// same two loads — the TLS slot, then g.Thread — and one instruction
// on the count; the rare cases (an unbalanced or pending Enable)
// tail-call the Go functions below. Linux x86 does the same for
// the same reason: its preempt_count is one instruction away
// (arch/x86/include/asm/preempt.h).
//
// No task can be switched in between the loads and the count: the State
// found is the running task's own, and a preemption after the lookup
// leaves it that task's (the task takes the pointer with it, to whichever
// CPU it resumes on).
//
// The kernel's own build (the Makefile passes -D=TLBRACE_KERNEL to this
// package's assembler) has no host test to serve and leaves the override
// out: three instructions in each, more than the lookup itself, where a
// guarded flush is some 20 instructions around its one window
// (docs/performance.md). tests/preempt_fastpath_test.go checks the built
// kernels.
func Current() *State

// Disable is preempt_disable(): nestable. An assembly function, so never
// inlined: the machine-code audit (tools/audit) sees every call.
func Disable()

// Enable is preempt_enable(): it reschedules if this was the outermost
// Enable and the timer asked for a reschedule meanwhile. The common case
// — still nested, or outermost with nothing pending — is a decrement and
// a test, with no stack frame: it runs inside every guarded flush.
func Enable()

// Preemptible reports whether the running task may be preempted now.
func Preemptible() bool

// NoteLazyUnguarded counts (LazyUnguarded) a call made preemptible by a
// task that borrows its mm — the one context in which a CR3 round trip
// can be preempted into the race. Ingo Molnar's follow-up to the 2004 fix
// warned of exactly that; the racy flushes note it at every call. In
// assembly, like the rest: called around every racy window, it is the
// lookup, two tests and an increment, where the same in Go after Current
// was twice that (docs/performance.md).
func NoteLazyUnguarded()

// Attach makes s the state of the task g belongs to.
func Attach(g *rt.G, s *State) { g.Thread = unsafe.Pointer(s) }

// AttachCPU gives g, which runs on CPU cpu as no task, the CPU's own
// state: an interrupt handler's g, the boot thread's before it becomes
// task 0, a double fault's. The fast paths never test for a g without a
// state (one instruction fewer in each: a missing AttachCPU would make
// the first Disable on that g fault on page 0, which is never mapped).
func AttachCPU(g *rt.G, cpu int) { g.Thread = unsafe.Pointer(&irq[cpu]) }

// The offsets of rt.G's Thread, for the assembly (go_asm.h): from g
// (amd64's TLS slot holds g), and from the anchor 386's TLS slot holds
// (rt.TLSWord: just past g.tlsSelf, which is where Thread is: 0).
const (
	gThread      = unsafe.Offsetof(rt.G{}.Thread)
	anchorThread = gThread - rt.GAnchor
)

// enableSlowTask is Enable's rare half for a task, after the assembly's
// decrement.
func enableSlowTask() { enableSlow(Current()) }

// enableSlow is Enable's rare half: an unbalanced Enable (a kernel bug),
// or the outermost one with a reschedule pending (preempt_schedule()).
func enableSlow(s *State) {
	if s.Count < 0 && OnUnbalanced != nil {
		OnUnbalanced() // more Enables than Disables: a kernel bug (the handler repairs the count)
	}
	if s.Count == 0 && s.NeedResched && Resched != nil {
		atomic.AddUint64(&Deferred, 1)
		Resched()
	}
}

// LockTaken and LockReleased count the spinlocks the running task holds
// (kernel/spin calls them inside its preemption-off section, so the task
// cannot change in between): the scheduler reports a task that sleeps
// with one held.
//
//go:nosplit
func LockTaken() { Current().Locks++ }

// LockReleased is LockTaken's other half.
//
//go:nosplit
func LockReleased() { Current().Locks-- }
