package mm

import (
	"sync/atomic"

	"tlbrace/kernel/rt"
)

// cpu_tlbstate: each CPU's TLB state, one structure per CPU holding both
// generations of Linux's, since flush= picks the protocol at boot.
//
// Linux 2.6.10 (include/asm-i386/mmu_context.h, arch/i386/kernel/smp.c)
// keeps State and ActiveMM: the address space the CPU last switched to,
// and whether a task that owns it runs there (OK) or a kernel thread
// borrows it (LAZY). Each MM keeps cpu_vm_mask: the CPUs that may hold its
// translations in their TLBs, so a change to its mappings must reach them
// (shootdown.go). The context switch maintains all of it
// (kernel/sched/switch.go, switchMM and enterLazyTLB). A lazy CPU that a
// shootdown reaches leaves the mm instead of flushing it (LeaveMM): it
// drops out of the mask, loads the kernel's own page table, and stops
// receiving flushes for that mm — which is why switch_mm must reload CR3
// when such a CPU comes back to the same mm (the missed-shootdown bug
// when it does not: Shootdown NoReload). ActiveMM is not changed by
// leaving: it still names the mm the CPU left.
//
// Modern Linux (arch/x86/mm/tlb.c) keeps LoadedMM instead: what CR3
// *should* hold — the address space switch_mm last loaded, init_mm once
// the CPU left (LeaveMM) — and is_lazy, which is State == TLBLazy here.
// While switch_mm writes CR3, LoadedMM holds the sentinel SwitchingMM
// (Linux: LOADED_MM_SWITCHING), so that anything looking at it then — an
// NMI, a flush IPI; here interrupts are off, so nothing can — knows CR3 is
// in flux. Every variant keeps it up to date; flush=modern's switch_mm
// decides by it, and its CONFIG_DEBUG_VM check compares CR3 with it
// (kernel/sched/tlbstate.go says why, and what it cannot protect against).

// TLB states (Linux i386 TLBSTATE_OK, TLBSTATE_LAZY).
const (
	TLBOK   = 1 // the running task owns ActiveMM
	TLBLazy = 2 // a kernel thread borrows ActiveMM
)

// TLBState is one CPU's cpu_tlbstate.
type TLBState struct {
	State    int32 // TLBOK or TLBLazy (modern: is_lazy = State == TLBLazy)
	ActiveMM *MM   // 2.6.10's active_mm: the mm last switched to, left or not
	LoadedMM *MM   // modern loaded_mm: what CR3 should hold; &SwitchingMM during the write
}

// SwitchingMM is the sentinel LoadedMM holds while CR3 is being written.
var SwitchingMM = MM{ID: -3}

// Lazy is is_lazy: the CPU runs lazily on a borrowed mm.
func (s *TLBState) Lazy() bool { return s.State == TLBLazy }

// CPUTLB is every CPU's cpu_tlbstate. Each CPU writes only its own, with
// interrupts off (the switch, the shootdown IPI, LeaveMM).
var CPUTLB [rt.MaxCPUs]TLBState

// InitTLBState starts CPU cpu lazily on init_mm (the kernel's own table,
// which it runs on as it comes up).
func InitTLBState(cpu int) {
	CPUTLB[cpu] = TLBState{State: TLBLazy, ActiveMM: &InitMM, LoadedMM: &InitMM}
	InitMM.MaskSet(cpu)
}

// cpu_vm_mask: bit i set when CPU i may hold the mm's translations.

// CPUMask returns the CPUs that may hold m's translations.
func (m *MM) CPUMask() uint32 { return m.cpuMask.Load() }

// MaskSet adds cpu to m's mask (cpu_set).
func (m *MM) MaskSet(cpu int) { m.cpuMask.Or(1 << cpu) }

// MaskClear removes cpu from m's mask (cpu_clear).
func (m *MM) MaskClear(cpu int) { m.cpuMask.And(^uint32(1 << cpu)) }

// MaskTestAndSet adds cpu to m's mask and reports whether it was there
// already (cpu_test_and_set).
func (m *MM) MaskTestAndSet(cpu int) bool { return m.cpuMask.Or(1<<cpu)&(1<<cpu) != 0 }

// Counters of the lazy-TLB machinery.
var (
	// LazyLeaves counts LeaveMM: a lazy CPU dropped out of an mm's mask.
	LazyLeaves uint64
	// LazyReloads counts switch_mm's reload on lazy re-entry: a CPU came
	// back to the mm it had left (CR3 loaded again).
	LazyReloads uint64
	// MissedReloads counts the same moments under Shootdown NoReload:
	// the reload that did not happen.
	MissedReloads uint64
)

// LeaveMM is Linux's leave_mm(cpu): the lazy CPU cpu stops taking flushes
// for the mm it borrows — out of its mask, CR3 on the kernel's own page
// table (which maps no user page, so nothing of that mm can be cached any
// more), loaded_mm init_mm as modern Linux's leave_mm makes it. Only legal while lazy: a CPU running a task that owns the mm must
// flush instead. Runs on cpu with interrupts off (the shootdown IPI, or
// FlushTLBMM from a lazy context).
//
//audit:irqs-off leave_mm: called from the invalidate IPI's handler (an interrupt gate), from service() polled between SaveFlagsCli and RestoreFlags, and from flushTLB3 between SaveFlagsCli and RestoreFlags
func LeaveMM(cpu int) {
	s := &CPUTLB[cpu]
	if s.State == TLBOK {
		if OnBug != nil {
			OnBug("leave_mm on a CPU whose task owns its mm")
		}
		return
	}
	s.ActiveMM.MaskClear(cpu)
	atomic.AddUint64(&LazyLeaves, 1)
	s.LoadedMM = &SwitchingMM
	LoadCR3(&InitMM)
	s.LoadedMM = &InitMM
	if OnLeave != nil {
		OnLeave(cpu, s.ActiveMM)
	}
}

// OnBug reports a broken rule of the lazy-TLB machinery (the scheduler
// installs it: it names the task).
var OnBug func(what string)

// OnLeave, when set, is told of every LeaveMM (the trace).
var OnLeave func(cpu int, m *MM)
