package rt

import (
	"unsafe"

	"tlbrace/asm"
)

// SetupCPU installs CPU i's GDT (64-bit code and data for rings 0 and 3,
// and the 16-byte descriptor of its TSS), its TSS with an IST stack for
// double faults, and makes its first g current: g0 on the boot stack for
// the boot CPU, the g PrepareCPU gave an application processor. The
// caller (boot/rt0_amd64.s, the AP entry) has already pointed FS at the
// CPU's TLS block; this function and everything it calls is nosplit
// because g is not trustworthy yet.
//
//go:nosplit
func SetupCPU(i uintptr) {
	c := &cpus[i]
	c.Index, c.Self = i, c
	const code = accPresent | accSegment | accCode | accRW
	const data = accPresent | accSegment | accRW
	c.gdt[gdtKernelCode] = descriptor(0, 0xfffff, code, flagGran4K|flagLong)
	c.gdt[gdtKernelData] = descriptor(0, 0xfffff, data, flagGran4K|flagDB32)
	c.gdt[gdtUserCode] = descriptor(0, 0xfffff, code|accDPL3, flagGran4K|flagLong)
	c.gdt[gdtUserData] = descriptor(0, 0xfffff, data|accDPL3, flagGran4K|flagDB32)
	t := uint64(uintptr(unsafe.Pointer(&c.tss)))
	c.gdt[gdtTSS] = descriptor(uint32(t), tssSize-1, accPresent|accTSSAvail, 0)
	c.gdt[gdtTSSHigh] = t >> 32
	c.gdtr.set(uintptr(unsafe.Pointer(&c.gdt)), int(unsafe.Sizeof(c.gdt)))
	asm.Lgdt(uintptr(unsafe.Pointer(&c.gdtr)))
	asm.LoadSegments(KernelCS, KernelDS, 0)

	// IST1: the double-fault stack. A kernel stack overflow into a guard page
	// cannot push an exception frame on the overflowed stack; the CPU then
	// raises #DF, which must run on a stack known to be good.
	c.tss.IST1.Set(uint64(uintptr(unsafe.Pointer(&dfStacks[i][0])) + uintptr(len(dfStacks[i]))))
	c.tss.IOMapBase = tssNoIOMap
	asm.Ltr(TSSSel)

	if i == 0 {
		// The boot stack's first page is its guard page (stacks.go).
		g0.InitStack(bootGuard()+pageSize, addrOf(&bootStack[0])+BootStackSize)
		c.G = &g0
	}
	SetG(c.G)
}
