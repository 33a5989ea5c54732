package mm

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trace"
	"tlbrace/kernel/trap"
)

// flush=modern: the contract of Linux since 2018.
//
// Commit 5cf0791da5c1 (2016) had put preempt_disable() back into the
// primitive, __native_flush_tlb(), as the 2004 seed patch had. Commit
// decab0888e6e (2018) took it out again and turned the guard into a
// contract: the primitive only asserts that it runs non-preemptible
// (WARN_ON_ONCE(preemptible())), and every caller is responsible for
// disabling preemption. Modern arch/x86/mm/tlb.c keeps that shape. Here:
//
//   - the primitives: flushTLBLocal (native_flush_tlb_local) and
//     flushTLBGlobalModern (native_flush_tlb_global). No guard; they warn
//     once, count every violation, and flush anyway — the kernel goes on.
//     Annotated //audit:callers-nonpreemptible: tools/audit checks every
//     caller of theirs instead of them;
//   - the callers that keep the contract: flushTLBMMRange (Linux's
//     flush_tlb_mm_range brackets the flush with get_cpu()/put_cpu(),
//     which disable preemption) and flushTLBAll (flush_tlb_all runs the
//     flush through on_each_cpu(), preemption off). Flush and FlushGlobal
//     call them, so every context that flushes through the kernel's API
//     is safe — the 2016 exit path included;
//   - the low-level global flush FlushAllLowLevel (__flush_tlb_all), which
//     passes the contract on to *its* callers. In 2018 one of them, the
//     page allocator's CONFIG_DEBUG_PAGEALLOC path, called it preemptibly:
//     the bug of f77084d96355, debug_pagealloc.go.
//
// The assertion is the defence that matters: the per-CPU loaded_mm of the
// modern switch_mm (kernel/sched/tlbstate.go) records what CR3 should
// hold, but a preempted borrower's stale write bypasses it.

var (
	// PreemptibleFlushes counts calls of a modern primitive that found
	// the caller preemptible: the assertion's condition. Every one is
	// counted; only the first is reported (WARN_ON_ONCE).
	PreemptibleFlushes uint64
	// warnedPreemptible: the report has been claimed (once per boot). The
	// caller it reports on is preemptible, so the claim must be one atomic
	// step: a check, a preemption, another task's check and then both
	// stores would print the WARNING twice (an injected caller=racy run
	// did, on 386).
	warnedPreemptible atomic.Bool

	// irqsOn reports whether interrupts are enabled, through a variable
	// so host tests can stand in for EFLAGS.
	irqsOn = func() bool { return asm.Flags()&asm.FlagIF != 0 }
)

// preemptible is Linux's preemptible(): preempt_count is zero and
// interrupts are on — nothing keeps the scheduler from switching away.
func preemptible() bool { return preempt.Preemptible() && irqsOn() }

// flushTLBLocal is native_flush_tlb_local() under the modern contract:
// the CR3 round trip with no guard of its own.
//
//go:noinline
//audit:callers-nonpreemptible native_flush_tlb_local() since decab0888e6e: the primitive asserts non-preemptible, its callers disable preemption
func flushTLBLocal() {
	warnIfPreemptible("flushTLBLocal")
	noteUnguarded()
	asm.FlushTLBRaw()
}

// flushTLBGlobalModern is native_flush_tlb_global() under the modern
// contract: CR4.PGE off, the CR3 round trip, CR4 back, no guard.
//
//go:noinline
//audit:callers-nonpreemptible native_flush_tlb_global() since decab0888e6e: the primitive asserts non-preemptible, its callers disable preemption
func flushTLBGlobalModern() {
	warnIfPreemptible("flushTLBGlobalModern")
	noteUnguarded()
	asm.FlushTLBGlobalRaw(CR4Features)
}

// flushTLBMMRange is flush_tlb_mm_range() on one CPU: get_cpu() disables
// preemption for the flush, put_cpu() enables it again. The caller side
// of the contract — and the exit path's guard under flush=modern (the
// 2016 exit path reaches the flush through here).
//
//go:noinline
func flushTLBMMRange() {
	preempt.Disable() // get_cpu()
	flushTLBLocal()
	preempt.Enable() // put_cpu()
}

// flushTLBAll is flush_tlb_all(): on_each_cpu() runs the flush with
// preemption disabled.
//
//go:noinline
func flushTLBAll() {
	preempt.Disable()
	flushTLBGlobalModern()
	preempt.Enable()
}

// FlushAllLowLevel is __flush_tlb_all(): the selected variant's global
// flush primitive, with no guard added. Under flush=racy it races, under
// flush=fixed its primitive guards itself (the 2004 and 2016 guard), under
// flush=modern its caller must have disabled preemption — the contract
// passes through it to its callers, which the audit checks.
//
//go:noinline
//audit:callers-nonpreemptible __flush_tlb_all(): with flush=modern it calls the asserting primitive directly, so its callers must disable preemption
func FlushAllLowLevel() {
	GlobalFlushes++
	switch Selected {
	case Racy:
		flushTLBGlobalRacy()
	case Modern:
		flushTLBGlobalModern()
	default:
		flushTLBGlobal()
	}
}

// warnIfPreemptible is the primitives' WARN_ON_ONCE(preemptible()): every
// violation is counted and traced; the first one is reported with the
// task and a symbolized backtrace naming the caller that broke the
// contract. Then the flush goes on, as Linux's does.
func warnIfPreemptible(primitive string) {
	if !preemptible() {
		return
	}
	PreemptibleFlushes++
	t := Task{ID: -1, Name: "?"}
	if Current != nil {
		t = Current()
	}
	trace.Add(trace.Warn, t.ID, 0, t.ActiveMM.IDOrNone(), 0, readCR3())
	if !warnedPreemptible.CompareAndSwap(false, true) {
		return
	}
	// The report itself runs non-preemptible: preempted half-way, a
	// detection elsewhere could end the run before it is printed whole.
	preempt.Disable()
	defer preempt.Enable()
	fr := rt.BacktraceHere()
	fromCaller(&fr)
	kind := "a user task on its own mm"
	if t.MM == nil {
		kind = "no mm of its own: it borrows"
	}
	console.Printf("WARNING: %s called preemptible: preempt_count 0, interrupts on (task %d %s, %s, active_mm %d)\n",
		primitive, t.ID, t.Name, kind, t.ActiveMM.IDOrNone())
	console.Print("  flush=modern: the primitive no longer disables preemption (decab0888e6e); its caller must.\n" +
		"  Preempted between its CR3 read and write, a borrower writes back a stale CR3. Reported once, counted always (preemptible_flushes).\n")
	trap.PrintBacktrace(&fr)
}

// fromCaller drops the frames of the report itself from a backtrace taken
// in warnIfPreemptible, so that it starts at the primitive and goes up
// through the caller that broke the contract.
func fromCaller(fr *rt.Frames) {
	for i := 0; i < fr.N; i++ {
		if s, _ := rt.Symbolize(fr.PC[i] - 1); s.Func == "tlbrace/kernel/mm.warnIfPreemptible" {
			fr.N = copy(fr.PC[:], fr.PC[i+1:fr.N])
			if fr.N > 0 {
				// Frame 0 is a return address like the others, but a
				// backtrace takes its frame 0 for the pc of a fault: point
				// it into the call, so its line is the call's.
				fr.PC[0]--
			}
			return
		}
	}
}
