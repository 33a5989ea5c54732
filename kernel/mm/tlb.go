package mm

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/preempt"
)

// The TLB flush primitives of the seed patch, every variant side by side.
//
// The fixed ones are Linux 2.6.10 after Ingo Molnar's patch: preemption
// disabled around the whole CR3 read-and-write-back. The racy ones are the
// same instructions without the guard — the 2.6.10-rc2 originals. The
// modern ones (tlb_modern.go) are Linux since 2018: the primitive does not
// guard, it asserts, and its callers run non-preemptible. The boot option
// flush=racy|fixed|modern picks which ones Flush and FlushGlobal call, so
// one kernel image shows every behaviour.

// Variant is a flush protocol: which primitives Flush and FlushGlobal call.
// A new variant is one more constant, one more line in variants, and one
// more case in Flush and FlushGlobal.
type Variant uint8

const (
	Fixed  Variant = iota // Linux 2.6.10 after the seed patch (and 5cf0791da5c1 in 2016): preemption off across the CR3 round trip
	Racy                  // Linux 2.6.10-rc2: preemptible between the CR3 read and the write
	Modern                // Linux since 2018 (decab0888e6e): the primitive asserts, its callers disable preemption
	NumVariants
)

// variants names and describes each variant. The names are flush='s
// values on the command line, in the same order (kernel/cmdline;
// variant_test.go checks that the two agree).
var variants = [NumVariants]struct{ name, about string }{
	Fixed:  {"fixed", "fixed (preemption disabled around the CR3 round trip)"},
	Racy:   {"racy", "RACY (2.6.10-rc2, no preemption guard)"},
	Modern: {"modern", "modern (the primitive asserts non-preemptible, callers guard; switch_mm by loaded_mm, CR3 checked at every switch)"},
}

// String returns the variant's name, as flush= spells it.
func (v Variant) String() string {
	if v >= NumVariants {
		return "?"
	}
	return variants[v].name
}

// About describes the variant for the boot banner.
func (v Variant) About() string {
	if v >= NumVariants {
		return "?"
	}
	return variants[v].about
}

// VariantNamed returns the variant called name, if there is one.
func VariantNamed(name string) (Variant, bool) {
	for v := Variant(0); v < NumVariants; v++ {
		if variants[v].name == name {
			return v, true
		}
	}
	return 0, false
}

// Selected is the variant Flush and FlushGlobal use: the one source of
// truth for which flush is active (flush= at boot; the monitor's stress
// command switches it for one run).
var Selected Variant

// The CPU's CR3, through variables so host tests can stand in for it
// (the stale-root check in Drop reads and repairs it).
var (
	readCR3  = asm.ReadCR3
	writeCR3 = asm.WriteCR3
)

// LoadCR3 points the CPU at m's page tables: the CR3 write of switch_mm
// (kernel/sched/switch.go) and leave_mm. The only CR3 loads of the race
// are here: this one, and the write-back of the flushes below.
//
// CR3Loads counts without an atomic add: it stays small enough for the
// compiler to inline (tools/audit then checks its callers, every one of
// which runs with interrupts off), and a load counted twice or lost by
// two CPUs at once only nudges the lockup detector's episode clock.
func LoadCR3(m *MM) {
	CR3Loads++
	asm.WriteCR3(m.Root)
}

// CR4Features is the CR4 value flushTLBGlobal restores (Linux:
// mmu_cr4_features); set once paging is on.
var CR4Features uintptr

// Flush counters (and UnguardedLazyFlushes below).
var Flushes, GlobalFlushes uint64

// flushTLB is __flush_tlb() with the fix: no preemption between reading
// CR3 and writing it back, so the value written is the value read *by the
// same task on the same active_mm*.
//
//go:noinline
//go:nosplit
func flushTLB() {
	//lab:flush begin
	preempt.Disable()
	asm.FlushTLBRaw()
	preempt.Enable()
	//lab:flush stub
	//// LAB flush (docs/labs/flush.md): as it stands this is the racy flush
	//// again. Make sure no other task can run between the CR3 read and
	//// the CR3 write of asm.FlushTLBRaw.
	//asm.FlushTLBRaw()
	//lab:flush end
}

// flushTLBGlobal is __flush_tlb_global() with the fix.
//
//go:noinline
//go:nosplit
func flushTLBGlobal() {
	//lab:flush begin
	preempt.Disable()
	asm.FlushTLBGlobalRaw(CR4Features)
	preempt.Enable()
	//lab:flush stub
	//// LAB flush: the same window, between the CR4 writes.
	//asm.FlushTLBGlobalRaw(CR4Features)
	//lab:flush end
}

// flushTLBRacy is the 2.6.10-rc2 __flush_tlb(): preemptible between the two
// instructions. Preempted there, a lazy-TLB thread comes back borrowing a
// different active_mm and writes the old CR3 over the new one.
//
//go:noinline
//go:nosplit
//audit:known-racy the 2.6.10-rc2 __flush_tlb(), unguarded on purpose: flush=racy reproduces the seed's race with it
func flushTLBRacy() {
	noteUnguarded()
	asm.FlushTLBRaw()
}

// flushTLBGlobalRacy is the 2.6.10-rc2 __flush_tlb_global().
//
//go:noinline
//go:nosplit
//audit:known-racy the 2.6.10-rc2 __flush_tlb_global(), unguarded on purpose: flush=racy reproduces the seed's race with it
func flushTLBGlobalRacy() {
	noteUnguarded()
	asm.FlushTLBGlobalRaw(CR4Features)
}

// noteUnguarded counts a racy flush run preemptible by a task that
// borrows its mm (Ingo's check, preempt.NoteLazyUnguarded): the count is
// UnguardedLazyFlushes.
//
//go:nosplit
func noteUnguarded() { preempt.NoteLazyUnguarded() }

// UnguardedLazyFlushes counts Ingo's guard: a flush that ran preemptible
// from a lazy-TLB context (a task borrowing an mm: a kernel thread, or a
// user task past exit_mm) — the only context in which the race bites.
// Only the racy flushes note it, so preempt's count is theirs; a machine
// word (preempt.LazyUnguarded).
func UnguardedLazyFlushes() uintptr { return preempt.LazyUnguarded }

// Flush flushes the non-global TLB entries with the selected variant: the
// kernel's flush for an address space whose mappings changed (Linux:
// flush_tlb_mm_range on one CPU; in 2016 __flush_tlb_up, the exit path's).
// Any context may call it: with flush=modern the guard is here, in the
// caller of the asserting primitive (flushTLBMMRange).
func Flush() {
	atomic.AddUint64(&Flushes, 1)
	switch Selected {
	case Racy:
		flushTLBRacy()
	case Modern:
		flushTLBMMRange()
	default:
		flushTLB()
	}
}

// FlushGlobal flushes every TLB entry, global ones too, with the selected
// variant (Linux: flush_tlb_all). Any context may call it; see Flush.
func FlushGlobal() {
	atomic.AddUint64(&GlobalFlushes, 1)
	switch Selected {
	case Racy:
		flushTLBGlobalRacy()
	case Modern:
		flushTLBAll()
	default:
		flushTLBGlobal()
	}
}

// FlushRound is one round of a caller that flushes in a tight loop — the
// stress workload's flusher threads, whose density of flush windows per
// instruction is what makes the race show up quickly: fifteen local
// flushes and one global one with the selected variant's primitives,
// counted.
//
// Why this shape. Every CR3 or CR4 write makes QEMU flush its software
// TLB and clear its jump cache, most of a stress run's host time; a local
// flush writes CR3 once for its one window, a global one CR4, CR3 and CR4
// again. Measured, 7:1 gave more window hits per host second than 3:1,
// and 15:1 more window hits per tick than 7:1 (the round's own
// instructions spread over twice the windows). The primitives are called
// directly, not through Flush's dispatch and counter, nor through
// function values, which cost two loads more around every window, and
// written out rather than looped: a loop's counter would be three
// instructions more around every window (docs/performance.md).
func FlushRound() {
	switch Selected {
	case Racy:
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBRacy()
		flushTLBGlobalRacy()
	case Modern: // the caller side of the contract (tlb_modern.go)
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBMMRange()
		flushTLBAll()
	default:
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLB()
		flushTLBGlobal()
	}
	Flushes += 15
	GlobalFlushes++
}

// FlushOne invalidates one page's entry (INVLPG): for a mapping change in
// the current address space.
func FlushOne(va uintptr) { asm.Invlpg(va) }
