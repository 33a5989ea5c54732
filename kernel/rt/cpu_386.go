package rt

import (
	"unsafe"

	"tlbrace/asm"
)

// SetupCPU installs CPU i's GDT (flat code/data for rings 0 and 3, its
// TSS, its double-fault TSS, and the GS segment compiled Go finds g
// through, based at its TLS block) and makes its first g current: g0 on
// the boot stack for the boot CPU, the g PrepareCPU gave an application
// processor. It runs before any Go function with a stack-check prologue
// (GS is not valid yet), so it and everything it calls is nosplit.
//
//go:nosplit
func SetupCPU(i uintptr) {
	c := &cpus[i]
	c.Index, c.Self = i, c
	const code = accPresent | accSegment | accCode | accRW
	const data = accPresent | accSegment | accRW
	const flat = flagGran4K | flagDB32
	c.gdt[gdtKernelCode] = descriptor(0, 0xfffff, code, flat)
	c.gdt[gdtKernelData] = descriptor(0, 0xfffff, data, flat)
	c.gdt[gdtUserCode] = descriptor(0, 0xfffff, code|accDPL3, flat)
	c.gdt[gdtUserData] = descriptor(0, 0xfffff, data|accDPL3, flat)
	c.gdt[gdtTSS] = descriptor(uint32(uintptr(unsafe.Pointer(&c.tss))), tssSize-1, accPresent|accTSSAvail, 0)
	c.gdt[gdtTLS] = descriptor(uint32(uintptr(unsafe.Pointer(&c.Anchor))), 0xfffff, data, flat)
	c.gdt[gdtDoubleTSS] = descriptor(uint32(uintptr(unsafe.Pointer(&c.dfTSS))), tssSize-1, accPresent|accTSSAvail, 0)
	c.gdtr.set(uintptr(unsafe.Pointer(&c.gdt)), int(unsafe.Sizeof(c.gdt)))
	asm.Lgdt(uintptr(unsafe.Pointer(&c.gdtr)))
	asm.LoadSegments(KernelCS, KernelDS, TLSSel)

	c.tss.SS0 = KernelDS
	c.tss.IOMapBase = tssNoIOMap
	c.dfTSS.IOMapBase = tssNoIOMap
	asm.Ltr(TSSSel)

	if i == 0 {
		// The boot stack's first page is its guard page (stacks.go).
		g0.InitStack(bootGuard()+pageSize, addrOf(&bootStack[0])+BootStackSize)
		c.G = &g0
	}
	SetG(c.G)
}
