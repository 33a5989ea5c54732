package sched

import (
	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
)

// cpu_tlbstate's modern half (kernel/mm/tlbstate.go, mm.CPUTLB: one per
// CPU, with 2.6.10's state and active_mm): loaded_mm, what CR3 *should*
// hold on this CPU. It is kept up to date in every variant; flush=modern
// decides by it.
//
// With flush=modern, switch_mm compares next with loaded_mm, not with the
// previous task's active_mm: Linux x86 does not always keep active_mm up to
// date (a lazy CPU told to flush switches to init_mm without touching it —
// mm.LeaveMM, on a shootdown), so the scheduler's belief and what was
// loaded may differ, and loaded_mm is the one that describes the CPU.
//
// What it does not protect against: the 2004 race. A borrower preempted
// between its CR3 read and its CR3 write comes back and writes a stale value
// straight into CR3. loaded_mm is not told — it still names what was loaded
// last — so switch_mm(loaded_mm == next) trusts CR3 and skips the load just
// as 2.6.10 did. loaded_mm records what CR3 should hold; it cannot know what
// a raw write put there. The defences of modern Linux are elsewhere: the
// flush primitive's assertion that its caller is non-preemptible
// (kernel/mm/tlb_modern.go), and the CONFIG_DEBUG_VM check below, which
// compares CR3 with loaded_mm at every switch and catches the stale write the
// first time the scheduler would trust it.

// loadMM is switch_mm's CR3 load on CPU c, 2.6.10's order with modern
// Linux's loaded_mm kept in step: leave prev's cpu_vm_mask (flush IPIs for
// prev stop; one in flight finds active_mm changed and is ignored),
// active_mm = next, join next's mask (IPIs for next start), then the CR3
// write — with loaded_mm the sentinel while it is in flight, then next.
// Interrupts are off.
//
//audit:irqs-off switch_mm's load: called by switchMM and lazyReentry (inside schedule()'s SaveFlagsCli section, switchMM checks FlagIF) and by LeaveMM between SaveFlagsCli and RestoreFlags
func loadMM(c *cpuState, prev, next *mm.MM) {
	s := &mm.CPUTLB[c.id]
	if prev != nil {
		prev.MaskClear(c.id)
	}
	s.ActiveMM = next
	next.MaskSet(c.id)
	s.LoadedMM = &mm.SwitchingMM
	mm.LoadCR3(next)
	s.LoadedMM = next
}

// LoadedMM returns loaded_mm of the CPU the caller runs on: the address
// space CR3 should hold.
func LoadedMM() *mm.MM {
	flags := asm.SaveFlagsCli()
	m := mm.CPUTLB[this().id].LoadedMM
	asm.RestoreFlags(flags)
	return m
}

// CPULazy reports whether the caller's CPU runs lazily on a borrowed mm
// (is_lazy).
func CPULazy() bool {
	flags := asm.SaveFlagsCli()
	lazy := mm.CPUTLB[this().id].Lazy()
	asm.RestoreFlags(flags)
	return lazy
}

// CR3ShouldHold is the address space the switch-time check on this CPU
// compares CR3 with: loaded_mm under flush=modern, the task's active_mm
// otherwise. Interrupts are off (the check runs in the switch).
func CR3ShouldHold(t *Task) *mm.MM {
	if mm.Selected == mm.Modern {
		return mm.CPUTLB[this().id].LoadedMM
	}
	return t.ActiveMM
}

// DebugVMMismatches counts switches at which CR3 did not hold what it
// should (flush=modern's CONFIG_DEBUG_VM check, or checkcr3=on).
var DebugVMMismatches uint64

// debugVMCheck is CONFIG_DEBUG_VM's check in switch_mm_irqs_off, made at
// every switch under flush=modern, before anything is loaded: CR3 must hold
// loaded_mm's page table. It is a stale write's first chance of being seen,
// whatever comes next (a load would hide it, a skip would trust it).
func debugVMCheck(c *cpuState, prev, next *Task) {
	if cr3 := asm.ReadCR3(); cr3 != mm.CPUTLB[c.id].LoadedMM.Root {
		cr3Mismatch(prev, next, cr3)
	}
}

// cr3Mismatch reports a failed switch-time check: to the workload's hook
// if it installed one, else once as a warning (Linux WARN_ON_ONCE), every
// time counted.
func cr3Mismatch(prev, next *Task, cr3 uintptr) {
	DebugVMMismatches++
	if OnCR3Mismatch != nil {
		OnCR3Mismatch(prev, next, cr3)
		return
	}
	if warnedMismatch {
		return
	}
	warnedMismatch = true
	m := CR3ShouldHold(next)
	console.Printf("WARNING: switching %d (%s) -> %d (%s): CR3 %#x, but mm %d's page table is %#x (CR3 belongs to ",
		prev.ID, prev.Name(), next.ID, next.Name(), cr3, m.IDOrNone(), m.Root)
	mm.PrintOwner(cr3)
	console.Print("): a stale CR3 write\n")
}

var warnedMismatch bool
