package rt

import (
	"unsafe"

	"tlbrace/asm"
)

var (
	gdt  [gdtSlots]uint64
	gdtr pseudoDescriptor
)

// SetupCPU installs the kernel's GDT (64-bit code and data for rings 0 and
// 3, and the 16-byte TSS descriptor), the TSS with an IST stack for double
// faults, and makes g0 current on the boot stack. boot/rt0_amd64.s has
// already pointed FS at the TLS block; this function and everything it
// calls is nosplit because g is not trustworthy yet.
//
//go:nosplit
func SetupCPU() {
	const code = accPresent | accSegment | accCode | accRW
	const data = accPresent | accSegment | accRW
	gdt[gdtKernelCode] = descriptor(0, 0xfffff, code, flagGran4K|flagLong)
	gdt[gdtKernelData] = descriptor(0, 0xfffff, data, flagGran4K|flagDB32)
	gdt[gdtUserCode] = descriptor(0, 0xfffff, code|accDPL3, flagGran4K|flagLong)
	gdt[gdtUserData] = descriptor(0, 0xfffff, data|accDPL3, flagGran4K|flagDB32)
	t := uint64(uintptr(unsafe.Pointer(&tss)))
	gdt[gdtTSS] = descriptor(uint32(t), tssSize-1, accPresent|accTSSAvail, 0)
	gdt[gdtTSSHigh] = t >> 32
	gdtr.set(uintptr(unsafe.Pointer(&gdt)), int(unsafe.Sizeof(gdt)))
	asm.Lgdt(uintptr(unsafe.Pointer(&gdtr)))
	asm.LoadSegments(KernelCS, KernelDS, 0)

	// IST1: the double-fault stack. A kernel stack overflow into a guard page
	// cannot push an exception frame on the overflowed stack; the CPU then
	// raises #DF, which must run on a stack known to be good.
	tss.IST1.Set(uint64(uintptr(unsafe.Pointer(&dfStack[0])) + uintptr(len(dfStack))))
	tss.IOMapBase = tssNoIOMap
	asm.Ltr(TSSSel)

	// The boot stack's first page is its guard page (stacks.go).
	g0.InitStack(bootGuard()+pageSize, addrOf(&bootStack[0])+BootStackSize)
	SetG(&g0)
}
