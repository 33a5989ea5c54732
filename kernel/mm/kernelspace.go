package mm

import (
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/apic"
)

// The kernel's own address space: an identity map of RAM plus the local
// APIC, every page Global. Every mm's top-level table copies the kernel
// slots from here, so all address spaces share the kernel page tables —
// which is why a lazy-TLB kernel thread can run on *any* mm's CR3, and why
// it can be preempted holding a stale one without noticing.

// Phys is the machine's frame allocator.
var Phys FrameAllocator

// KernelRoot is the physical address of the kernel's top-level table.
var KernelRoot uintptr

// LAPICBase is the local APIC's MMIO page (kernel/apic).
const LAPICBase = apic.Base

const kernelFlags = PTEWritable | PTEGlobal

// BuildKernelSpace identity-maps [PageSize, ramTop) and the local APIC,
// leaving page 0 (nil dereferences must fault) and every guard page
// unmapped.
func BuildKernelSpace(ramTop uintptr, isGuard func(va uintptr) bool) bool {
	Frames = &Phys
	root, ok := Phys.Alloc()
	if !ok {
		return false
	}
	zeroFrame(root)
	if !identityMap(root, PageSize, ramTop, isGuard) {
		return false
	}
	if !Map(root, LAPICBase, LAPICBase, kernelFlags|PTENoCache|PTEWriteThr) {
		return false
	}
	KernelRoot = root
	InitMM.Root = root
	return true
}

// CR4 bits: Intel SDM Vol. 3A §2.5.
const (
	CR4PGE = asm.CR4PGE // page global enable: Global entries survive CR3 writes
	CR4PAE = 1 << 5
)

// CR0 bits: Intel SDM Vol. 3A §2.5.
const (
	CR0WP = 1 << 16 // write protect: ring 0 honours read-only pages too
	CR0PG = 1 << 31 // paging
)

// EnablePaging switches the CPU to the kernel's page tables with Global
// pages on. On 386 this turns paging on for the first time; on amd64 it
// replaces the trampoline's boot map.
//
//audit:irqs-off boot only: called once by kernel.initMemory, before sched.Init and the first STI; nothing can preempt it
func EnablePaging() {
	asm.WriteCR3(KernelRoot)
	asm.WriteCR0(asm.ReadCR0() | CR0PG | CR0WP)
	asm.WriteCR4(asm.ReadCR4() | CR4PGE)
	CR4Features = asm.ReadCR4()
}

// KernelSlot reports whether top-level slot i belongs to the kernel part.
func KernelSlot(i int) bool {
	va := uintptr(i) << levelShift[0]
	return va < UserBase || va >= UserTop
}

// InitMM is the kernel's own address space (Linux: init_mm): the idle task
// runs on it, and it is what a kernel thread borrows when nothing else ran
// before it. It is never freed.
var InitMM = MM{ID: 0, Users: 1, Count: 1}

// identityMap maps [lo, hi) (page-aligned) to itself with kernelFlags in
// the fresh tables under root, skipping the guard pages. It walks once
// per last-level table and fills that table's entries in a run, where
// Map walked from the root for every page (under TCG, the map of 32 MiB
// took ~1.5 ms of the boot that way, ~0.7 ms now; fastest of 6 boots).
func identityMap(root, lo, hi uintptr, isGuard func(va uintptr) bool) bool {
	span := uintptr(1) << levelShift[Levels-2] // what one last-level table maps
	for va := lo; va < hi; {
		end := min(va&^(span-1)+span, hi)
		e := walk(root, va, true, PTEWritable)
		if e == nil {
			return false
		}
		// e is va's entry; the pages up to end have the entries after it,
		// in the same table.
		run := unsafe.Slice(e, (end-va)/PageSize)
		for i := range run {
			if a := va + uintptr(i)*PageSize; !isGuard(a) {
				run[i] = MakePTE(a, kernelFlags|PTEPresent)
			}
		}
		va = end
	}
	return true
}
