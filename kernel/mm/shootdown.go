package mm

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/apic"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/smp"
	"tlbrace/kernel/spin"
	"tlbrace/kernel/trap"
)

// TLB shootdown, after Linux 2.6.10's arch/i386/kernel/smp.c: a change to
// an address space's mappings is flushed on this CPU and, through the
// invalidate IPI, on every other CPU in the mm's cpu_vm_mask; the
// initiator waits until each has acknowledged. A target that runs a task
// of the mm flushes; one that is lazy leaves the mm instead (LeaveMM).
//
// One request at a time (flushLock, Linux's tlbstate_lock), published in
// flushMM, flushVA/flushEnd and flushMask; each target clears its bit in
// flushMask when done.
//
// System calls and faults run with interrupts off here (interrupt gates),
// where Linux runs them with interrupts on. A CPU spinning with
// interrupts off — on flushLock, or on any spinlock another CPU holds
// while it shoots down — would never take the IPI the other CPU waits
// for. So a CPU that spins services its own pending request itself
// (Poll, installed as kernel/spin's WhileSpinning); the IPI, when it
// finally arrives, finds nothing left to do.

// ShootdownVariant is how a shootdown treats lazy CPUs and how switch_mm
// treats a lazy CPU coming back (shootdown= on the command line).
type ShootdownVariant uint8

const (
	// ShootdownFixed is Linux 2.6.10: every CPU in the mask gets the IPI,
	// a lazy one leaves the mm, and switch_mm reloads CR3 when a CPU that
	// left comes back to the same mm.
	ShootdownFixed ShootdownVariant = iota
	// ShootdownNoReload removes switch_mm's reload on lazy re-entry: a CPU
	// that left the mm (CR3 on the kernel's table) comes back to it and
	// trusts CR3.
	ShootdownNoReload
	// ShootdownSkipLazy sends no IPI to lazy CPUs (they "will flush when
	// they come back") but leaves them in the mask, so switch_mm never
	// sees that they need to: their TLBs keep the old translations.
	ShootdownSkipLazy
	NumShootdownVariants
)

var shootdownNames = [NumShootdownVariants]string{"fixed", "noreload", "skiplazy"}

// String returns the variant's name, as shootdown= spells it.
func (v ShootdownVariant) String() string {
	if v >= NumShootdownVariants {
		return "?"
	}
	return shootdownNames[v]
}

// Shootdown is the variant in force.
var Shootdown ShootdownVariant

// FlushAll as the virtual address asks for a whole-mm flush (FLUSH_ALL).
const FlushAll = ^uintptr(0)

// rangePages: a range longer than this is flushed whole.
const rangePages = 16

var (
	flushLock = spin.Lock{Name: "tlbstate"}
	flushMM   *MM
	flushVA   uintptr // FlushAll, or the first page of [flushVA, flushEnd)
	flushEnd  uintptr
	flushMask atomic.Uint32

	// Counters: IPIs sent and acknowledged (a target that serviced the
	// request by polling counts as acknowledged), lazy CPUs the
	// SkipLazy variant skipped, requests, and their latency in TSC
	// cycles from the first IPI to the last acknowledgement.
	IPIsSent, IPIsAcked, LazySkipped, Shootdowns, ShootdownCycles uint64
	// ShootdownsPolled counts requests a target serviced while spinning.
	ShootdownsPolled uint64
	// StuckShootdowns counts waits given up (stuckCycles without the last
	// acknowledgement): reported, never silent.
	StuckShootdowns uint64
)

// stuckCycles bounds the wait for acknowledgements, in TSC cycles: several
// seconds at QEMU's TSC rate (the host's), long enough for a vCPU thread
// a loaded host did not run for a while.
const stuckCycles = 1 << 35

// Latency samples for the median and p99 (make bench): the last
// len(latency) shootdowns.
var (
	latency  [1024]uint32
	latencyN atomic.Uint64
)

// FlushTLBMM is flush_tlb_mm: every translation of m, here and on every
// other CPU that may hold one.
func FlushTLBMM(m *MM) { flushTLB3(m, FlushAll, 0) }

// FlushTLBPage is flush_tlb_page: m's translation of the page at va.
func FlushTLBPage(m *MM, va uintptr) { flushTLB3(m, va&^(PageSize-1), va&^(PageSize-1)+PageSize) }

// FlushTLBRange is flush_tlb_range: m's translations of [start, end),
// page by page when short, whole when long.
func FlushTLBRange(m *MM, start, end uintptr) {
	start &^= PageSize - 1
	if end <= start || (end-start)/PageSize > rangePages {
		flushTLB3(m, FlushAll, 0)
		return
	}
	flushTLB3(m, start, end)
}

// flushTLB3 flushes locally — if the current task owns m, or leaves m if
// it only borrows it — then shoots down the other CPUs in m's mask.
func flushTLB3(m *MM, va, end uintptr) {
	preempt.Disable()
	cpu := rt.CPUIndex()
	mask := m.CPUMask() &^ (1 << cpu)
	if Current != nil {
		if t := Current(); t.ActiveMM == m {
			if t.MM != nil {
				flushLocal(va, end)
			} else {
				flags := asm.SaveFlagsCli()
				LeaveMM(cpu)
				asm.RestoreFlags(flags)
			}
		}
	}
	if mask != 0 {
		flushOthers(mask, m, va, end)
	}
	preempt.Enable()
}

// flushLocal flushes [va, end) (or everything) on this CPU.
func flushLocal(va, end uintptr) {
	if va == FlushAll {
		flushTLB() // __flush_tlb(): the CR3 round trip, preemption off
		return
	}
	for ; va < end; va += PageSize {
		asm.Invlpg(va)
	}
}

// flushOthers is flush_tlb_others: publish the request, send the IPIs,
// wait for every acknowledgement. Preemption is off.
func flushOthers(mask uint32, m *MM, va, end uintptr) {
	for !flushLock.TryAcquire() {
		Poll()
		asm.Pause()
	}
	var skipped uint32
	if Shootdown == ShootdownSkipLazy {
		for cpu := 0; cpu < rt.MaxCPUs; cpu++ {
			if mask&(1<<cpu) != 0 && CPUTLB[cpu].State == TLBLazy && CPUTLB[cpu].ActiveMM == m {
				mask &^= 1 << cpu // the bug: skipped, yet left in m's mask
				skipped |= 1 << cpu
				atomic.AddUint64(&LazySkipped, 1)
			}
		}
	}
	if OnShootdown != nil {
		OnShootdown(m, va, mask, skipped)
	}
	if mask == 0 {
		flushLock.Release()
		return
	}
	flushMM, flushVA, flushEnd = m, va, end
	flushMask.Or(mask)
	start := asm.Rdtsc()
	flags := asm.SaveFlagsCli()
	for cpu := 0; cpu < rt.MaxCPUs; cpu++ {
		if mask&(1<<cpu) != 0 {
			smp.SendIPI(cpu, trap.VecInvalidate)
			atomic.AddUint64(&IPIsSent, 1)
		}
	}
	asm.RestoreFlags(flags)
	for flushMask.Load() != 0 {
		Poll() // a request for this CPU cannot be pending (one at a time), but keep the rule
		if asm.Rdtsc()-start > stuckCycles {
			atomic.AddUint64(&StuckShootdowns, 1)
			if OnStuck != nil {
				OnStuck(flushMask.Load(), m)
			}
			flushMask.Store(0)
			break
		}
		asm.Pause()
	}
	cycles := asm.Rdtsc() - start
	atomic.AddUint64(&Shootdowns, 1)
	atomic.AddUint64(&ShootdownCycles, cycles)
	if cycles > 0xffffffff {
		cycles = 0xffffffff
	}
	latency[(latencyN.Add(1)-1)%uint64(len(latency))] = uint32(cycles)
	flushMM = nil
	flushLock.Release()
}

// OnShootdown, when set, is told of every request about to be sent to
// the CPUs in mask, and of the lazy CPUs skipped (the trace).
var OnShootdown func(m *MM, va uintptr, mask, skipped uint32)

// OnRemoteFlush, when set, is told of a flush a shootdown made on this
// CPU (the trace).
var OnRemoteFlush func(cpu int, m *MM, va uintptr)

// OnStuck is told of a shootdown whose targets (the bits of mask) did not
// acknowledge in time.
var OnStuck func(mask uint32, m *MM)

// InvalidateIPI is smp_invalidate_interrupt, the handler of the
// invalidate IPI (trap.VecInvalidate).
func InvalidateIPI(f *trap.Frame, g *rt.G) {
	apic.EOI()
	service(rt.CPUIndex(), false)
}

// Poll services a shootdown request addressed to this CPU, if one is
// pending: what a CPU spinning with interrupts off does instead of taking
// the IPI (kernel/spin calls it while spinning; the caller has preemption
// or interrupts off, so the CPU stays the same).
//
//go:nosplit
func Poll() {
	cpu := rt.CPUIndex()
	if flushMask.Load()&(1<<cpu) != 0 {
		flags := asm.SaveFlagsCli()
		service(cpu, true)
		asm.RestoreFlags(flags)
	}
}

// service carries out the pending request on cpu: flush if a task owning
// the mm runs here, leave the mm if lazy; then acknowledge.
func service(cpu int, polled bool) {
	bit := uint32(1) << cpu
	if flushMask.Load()&bit == 0 {
		return // serviced already (polled), or not for us
	}
	s := &CPUTLB[cpu]
	//lab:shootdown begin
	if flushMM == s.ActiveMM {
		if s.State == TLBOK {
			flushLocal(flushVA, flushEnd)
			if OnRemoteFlush != nil {
				OnRemoteFlush(cpu, flushMM, flushVA)
			}
		} else {
			LeaveMM(cpu)
		}
	}
	//lab:shootdown stub
	//// LAB shootdown (docs/labs/shootdown.md): this CPU was asked to drop
	//// its translations of flushMM — [flushVA, flushEnd), or all of them
	//// when flushVA is FlushAll. As it stands it only acknowledges, and
	//// keeps translating through entries another CPU has unmapped. Do what
	//// Linux 2.6.10's smp_invalidate_interrupt does: only if this CPU runs
	//// flushMM (s.ActiveMM), flush (flushLocal) when a task owning it runs
	//// here (s.State == TLBOK), and leave it (LeaveMM) when the CPU only
	//// borrows it lazily. Tell OnRemoteFlush of a flush.
	//_ = s
	//lab:shootdown end
	if polled {
		atomic.AddUint64(&ShootdownsPolled, 1)
	}
	atomic.AddUint64(&IPIsAcked, 1)
	flushMask.And(^bit)
}

// LatencySamples calls fn with the recorded shootdown latencies (TSC
// cycles), at most the last len(latency).
func LatencySamples(fn func(cycles uint32)) {
	n := latencyN.Load()
	if n > uint64(len(latency)) {
		n = uint64(len(latency))
	}
	for i := uint64(0); i < n; i++ {
		fn(latency[i])
	}
}
