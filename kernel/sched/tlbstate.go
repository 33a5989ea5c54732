package sched

import (
	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
)

// cpu_tlbstate: the per-CPU TLB state of modern Linux (arch/x86/mm/tlb.c),
// for the one CPU here. It is kept up to date in every variant; flush=modern
// decides by it.
//
// loadedMM is what CR3 *should* hold: the address space switch_mm last
// loaded (LeaveMM: init_mm). While switch_mm writes CR3 it holds the
// sentinel switchingMM (Linux: LOADED_MM_SWITCHING), so that anything
// looking at it then — an NMI, a flush IPI on a bigger machine; here the
// interrupts are off, so nothing can — knows CR3 is in flux.
//
// With flush=modern, switch_mm compares next with loadedMM, not with the
// previous task's active_mm: Linux x86 does not always keep active_mm up to
// date (a lazy CPU told to flush switches to init_mm without touching it),
// so the scheduler's belief and what was loaded may differ, and loadedMM is
// the one that describes the CPU.
//
// What it does not protect against: the 2004 race. A borrower preempted
// between its CR3 read and its CR3 write comes back and writes a stale value
// straight into CR3. loadedMM is not told — it still names what was loaded
// last — so switch_mm(loadedMM == next) trusts CR3 and skips the load just
// as 2.6.10 did. loadedMM records what CR3 should hold; it cannot know what
// a raw write put there. The defences of modern Linux are elsewhere: the
// flush primitive's assertion that its caller is non-preemptible
// (kernel/mm/tlb_modern.go), and the CONFIG_DEBUG_VM check below, which
// compares CR3 with loadedMM at every switch and catches the stale write the
// first time the scheduler would trust it.
var tlbState struct {
	loadedMM *mm.MM // what CR3 should hold; &switchingMM during the CR3 write
	isLazy   bool   // enter_lazy_tlb: a task without an mm runs on loadedMM
}

// switchingMM is the sentinel loadedMM holds while CR3 is being written.
var switchingMM = mm.MM{ID: -3}

// loadMM writes next's page table into CR3 for switch_mm, keeping loaded_mm
// in step: the sentinel while the write is in flight, then next.
func loadMM(next *mm.MM) {
	tlbState.loadedMM = &switchingMM
	mm.LoadCR3(next)
	tlbState.loadedMM = next
}

// LoadedMM returns loaded_mm: the address space CR3 should hold.
func LoadedMM() *mm.MM { return tlbState.loadedMM }

// CPULazy reports whether the CPU runs lazily on a borrowed mm.
func CPULazy() bool { return tlbState.isLazy }

// CR3ShouldHold is the address space the switch-time check compares CR3
// with: loaded_mm under flush=modern, the task's active_mm otherwise.
func CR3ShouldHold(t *Task) *mm.MM {
	if mm.Selected == mm.Modern {
		return tlbState.loadedMM
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
func debugVMCheck(prev, next *Task) {
	if cr3 := asm.ReadCR3(); cr3 != tlbState.loadedMM.Root {
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
