package trap

import (
	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/rt"
)

// The 386 double fault runs as a task of its own (Intel SDM Vol. 3A
// §6.14.7 / §7.3): when a kernel stack overflows into its guard page, the
// page fault cannot push its frame on that stack and becomes a double
// fault, which cannot push its frame there either. A task gate makes the
// CPU switch to another TSS — other stack, other registers — and save the
// overflowed context in the main TSS, where the report reads it.

// eflagsReserved is EFLAGS with only bit 1 set, which always reads as 1
// (Intel SDM Vol. 1 §3.4.3, Figure 3-8): interrupts off, no flags.
const eflagsReserved = 1 << 1

// dfG[i] is the g CPU i's double-fault task's Go code runs with (its stack).
var dfG [rt.MaxCPUs]rt.G

// doubleFaultEntry is where the double-fault task starts (doublefault_386.s).
func doubleFaultEntry()

// doubleFaultEntryPC returns doubleFaultEntry's address.
func doubleFaultEntryPC() uintptr

// archInitCPU prepares CPU i's double-fault task (each CPU has its own, in
// its own GDT, at the same selector) and points vector 8 at it.
func archInitCPU(i int) {
	lo, hi := rt.DFStack(i)
	dfG[i].InitStack(lo, hi)
	preempt.AttachCPU(&dfG[i], i)
	t := rt.DoubleFaultTSS(i)
	t.EIP = uint32(doubleFaultEntryPC())
	t.EFLAGS = eflagsReserved // interrupts off
	t.ESP = uint32(hi)
	t.CS = rt.KernelCS
	t.SS, t.DS, t.ES, t.FS = rt.KernelDS, rt.KernelDS, rt.KernelDS, rt.KernelDS
	t.GS = rt.TLSSel // compiled Go finds g through GS
	idt[VecDoubleFault] = gate32(0, rt.DFTSSSel, gatePresent|gateTask)
}

// SetDoubleFaultCR3 gives every CPU's double-fault task the kernel's page
// tables (the task switch loads CR3 from its TSS); called once paging is on.
func SetDoubleFaultCR3(root uintptr) {
	for i := 0; i < rt.MaxCPUs; i++ {
		rt.DoubleFaultTSS(i).CR3 = uint32(root)
	}
}

// doubleFaultSwitch runs first in the double-fault task, on this CPU's
// double-fault stack with the overflowed g still current: it must not
// check the stack against that g's bounds (nosplit), makes this CPU's
// double-fault g current and reports.
//
//go:nosplit
func doubleFaultSwitch() {
	g := rt.CurrentG()
	rt.SetG(&dfG[rt.CPUIndex()])
	doubleFault(g)
}

// doubleFault reports the overflowed context saved in this CPU's main TSS.
func doubleFault(g *rt.G) {
	t := rt.MainTSS(rt.CPUIndex())
	eip, esp, ebp := uintptr(t.EIP), uintptr(t.ESP), uintptr(t.EBP)
	cr2 := asm.ReadCR2()
	console.Printf("PANIC: double fault (#DF) in kernel mode on CPU %d, handled by its double-fault task\n", rt.CPUIndex())
	if GuardPage != nil && GuardPage(cr2) {
		console.Print("  diagnosis: kernel stack overflow into a guard page (CR2): the page fault could not push its frame, hence the double fault\n")
	}
	console.Printf("  cr2 %#x  cr3 %#x\n", cr2, asm.ReadCR3())
	console.Printf("     eax %#08x     ebx %#08x     ecx %#08x     edx %#08x\n", t.EAX, t.EBX, t.ECX, t.EDX)
	console.Printf("     esi %#08x     edi %#08x     ebp %#08x     esp %#08x\n", t.ESI, t.EDI, ebp, esp)
	console.Printf("     eip %#08x  eflags %#08x      cs %#08x      ss %#08x\n", eip, t.EFLAGS, uint32(t.CS), uint32(t.SS))
	var fr rt.Frames
	if g != nil {
		console.Printf("  stack [%#x, %#x) guard %#x\n", g.StackLo, g.StackHi, g.StackGuard0)
		if Describe != nil {
			Describe(g)
		}
		fr = rt.Backtrace(eip, esp, ebp, g.StackLo, g.StackHi)
	} else {
		fr.PC[0], fr.N = eip, 1
	}
	PrintBacktrace(&fr)
	Die()
}
