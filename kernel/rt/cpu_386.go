package rt

import (
	"unsafe"

	"tlbrace/asm"
)

var (
	gdt  [gdtSlots]uint64
	gdtr pseudoDescriptor
)

// SetupCPU installs the kernel's GDT (flat code/data for rings 0 and 3, the
// TSS, and the GS segment compiled Go finds g through) and makes g0 current
// on the boot stack. boot/rt0_386.s calls it before any Go function with a
// stack-check prologue, so it and everything it calls is nosplit.
//
//go:nosplit
func SetupCPU() {
	self := uintptr(unsafe.Pointer(&tls[1]))
	tls[1] = unsafe.Pointer(&tls[1])
	const code = accPresent | accSegment | accCode | accRW
	const data = accPresent | accSegment | accRW
	const flat = flagGran4K | flagDB32
	gdt[gdtKernelCode] = descriptor(0, 0xfffff, code, flat)
	gdt[gdtKernelData] = descriptor(0, 0xfffff, data, flat)
	gdt[gdtUserCode] = descriptor(0, 0xfffff, code|accDPL3, flat)
	gdt[gdtUserData] = descriptor(0, 0xfffff, data|accDPL3, flat)
	gdt[gdtTSS] = descriptor(uint32(uintptr(unsafe.Pointer(&tss))), tssSize-1, accPresent|accTSSAvail, 0)
	gdt[gdtTLS] = descriptor(uint32(self), 0xfffff, data, flat)
	gdt[gdtDoubleTSS] = descriptor(uint32(uintptr(unsafe.Pointer(&dfTSS))), tssSize-1, accPresent|accTSSAvail, 0)
	gdtr.set(uintptr(unsafe.Pointer(&gdt)), int(unsafe.Sizeof(gdt)))
	asm.Lgdt(uintptr(unsafe.Pointer(&gdtr)))
	asm.LoadSegments(KernelCS, KernelDS, TLSSel)

	tss.SS0 = KernelDS
	tss.IOMapBase = tssNoIOMap
	dfTSS.IOMapBase = tssNoIOMap
	asm.Ltr(TSSSel)

	// The boot stack's first page is its guard page (stacks.go).
	g0.InitStack(bootGuard()+pageSize, addrOf(&bootStack[0])+BootStackSize)
	SetG(&g0)
}
