package trap

import (
	"tlbrace/asm"
	"tlbrace/kernel/console"
	"tlbrace/kernel/rt"
)

// The 386 double fault runs as a task of its own (Intel SDM Vol. 3A
// §6.14.7 / §7.3): when a kernel stack overflows into its guard page, the
// page fault cannot push its frame on that stack and becomes a double
// fault, which cannot push its frame there either. A task gate makes the
// CPU switch to another TSS — other stack, other registers — and save the
// overflowed context in the main TSS, where the report reads it.

// 32-bit TSS fields, in words (SDM Vol. 3A Figure 7-2).
const (
	tssCR3, tssEIP, tssEFLAGS                      = 7, 8, 9
	tssEAX, tssECX, tssEDX, tssEBX, tssESP, tssEBP = 10, 11, 12, 13, 14, 15
	tssESI, tssEDI                                 = 16, 17
	tssES, tssCS, tssSS, tssDS, tssFS, tssGS       = 18, 19, 20, 21, 22, 23
	tssIOMap                                       = 25
)

// dfG is the g the double-fault task's Go code runs with (its stack).
var dfG rt.G

// doubleFaultEntry is where the double-fault task starts (doublefault_386.s).
func doubleFaultEntry()

// doubleFaultEntryPC returns doubleFaultEntry's address.
func doubleFaultEntryPC() uintptr

// archInit prepares the double-fault task and points vector 8 at it.
func archInit() {
	lo, hi := rt.DFStack()
	dfG.InitStack(lo, hi)
	t := rt.DoubleFaultTSS()
	t[tssEIP] = uint32(doubleFaultEntryPC())
	t[tssEFLAGS] = 2 // interrupts off; bit 1 always set
	t[tssESP] = uint32(hi)
	t[tssCS] = rt.KernelCS
	t[tssSS], t[tssDS], t[tssES], t[tssFS] = rt.KernelDS, rt.KernelDS, rt.KernelDS, rt.KernelDS
	t[tssGS] = rt.TLSSel // compiled Go finds g through GS
	t[tssIOMap] = 104 << 16
	idt[VecDoubleFault] = gate32(0, rt.DFTSSSel, gatePresent|gateTask)
}

// SetDoubleFaultCR3 gives the double-fault task the kernel's page tables
// (the task switch loads CR3 from its TSS); called once paging is on.
func SetDoubleFaultCR3(root uintptr) { rt.DoubleFaultTSS()[tssCR3] = uint32(root) }

// doubleFault reports the overflowed context saved in the main TSS.
func doubleFault(g *rt.G) {
	t := rt.BootTSS()
	eip, esp, ebp := uintptr(t[tssEIP]), uintptr(t[tssESP]), uintptr(t[tssEBP])
	cr2 := asm.ReadCR2()
	console.Printf("PANIC: double fault (#DF) in kernel mode, handled by the double-fault task\n")
	if GuardPage != nil && GuardPage(cr2) {
		console.Print("  diagnosis: kernel stack overflow into a guard page (CR2): the page fault could not push its frame, hence the double fault\n")
	}
	console.Printf("  cr2 %#x  cr3 %#x\n", cr2, asm.ReadCR3())
	console.Printf("     eax %#08x     ebx %#08x     ecx %#08x     edx %#08x\n", t[tssEAX], t[tssEBX], t[tssECX], t[tssEDX])
	console.Printf("     esi %#08x     edi %#08x     ebp %#08x     esp %#08x\n", t[tssESI], t[tssEDI], ebp, esp)
	console.Printf("     eip %#08x  eflags %#08x      cs %#08x      ss %#08x\n", eip, t[tssEFLAGS], t[tssCS], t[tssSS])
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
