package rt

import "unsafe"

// Per-CPU runtime state.
//
// Each processor has its own GDT (so that the same selectors mean "this
// CPU's" TSS and TLS segment everywhere), its own TSS and double-fault
// stack, its own interrupt stack and interrupt g, and its own thread-local
// block, through which compiled Go finds the current g. The TLS base
// register — FS's base on amd64 (an MSR), the GS segment's base on 386 (a
// descriptor in this CPU's GDT) — points at CPU.Anchor of the CPU's own
// block, so the same instructions reach a different block on each CPU.
//
// Finding g must survive migration: a task may be interrupted between
// two instructions of a g load, switched out, and resumed on another CPU.
//
//	amd64: compiled code loads g with one instruction, MOVQ FS:-8, R14,
//	       and keeps it in R14 (restored by IRET): the slot may simply be
//	       this CPU's (CPU.G, at FS:-8).
//	386:   compiled code loads g with two, MOVL GS:0, CX; MOVL -4(CX), CX.
//	       Were GS:0 a per-CPU address, a task preempted between them and
//	       resumed elsewhere would read the other CPU's g. So GS:0
//	       (CPU.Anchor) holds an address inside the current g itself,
//	       &g.tlsSelf + PtrSize, and the word before it holds g: whatever
//	       CPU the second load runs on, it reads the task's own g.
//
// Reading anything else of the per-CPU block (ThisCPU, CPUIndex) is only
// meaningful with interrupts or preemption off, as with Linux's
// smp_processor_id().

// MaxCPUs bounds the processors tlbrace runs on (qemu.sh --smp, maxcpus=).
const MaxCPUs = 4

// CPU is one processor's runtime block.
type CPU struct {
	G      *G      // amd64: the current g, at FS:-8 (386: unused)
	Anchor uintptr // the TLS base points here; 386: GS:0, &g.tlsSelf + PtrSize of the current g
	Index  uintptr // this CPU's number: 0 is the boot CPU
	Self   *CPU    // this block, for ThisCPU

	// The interrupt stack [IntrLo, IntrHi) and the g handlers run with on
	// it (kernel/trap fills them in; its entry stubs read them here).
	IntrLo, IntrHi uintptr
	IntrG          *G

	gdt   [gdtSlots]uint64
	gdtr  pseudoDescriptor
	tss   TSS
	dfTSS TSS // 386: the task a double fault switches to (doublefault_386.go)
}

// cpus holds every CPU's block; cpus[0] is the boot CPU's.
var cpus [MaxCPUs]CPU

// Offsets, from the TLS base (&CPU.Anchor), that assembly reads with a
// segment override: boot/rt0_*.s, kernel/trap/entry_*.s, asm.Switch.
const (
	CPUTLSBase  = unsafe.Offsetof(CPU{}.Anchor) // &cpus[i] + CPUTLSBase is CPU i's TLS base
	CPUSize     = unsafe.Sizeof(CPU{})
	CPUIndexOff = unsafe.Offsetof(CPU{}.Index) - CPUTLSBase
	CPUSelfOff  = unsafe.Offsetof(CPU{}.Self) - CPUTLSBase
	CPUIntrLo   = unsafe.Offsetof(CPU{}.IntrLo) - CPUTLSBase
	CPUIntrHi   = unsafe.Offsetof(CPU{}.IntrHi) - CPUTLSBase
	CPUIntrG    = unsafe.Offsetof(CPU{}.IntrG) - CPUTLSBase
	CPUGDTOff   = unsafe.Offsetof(CPU{}.gdt) - CPUTLSBase
	// GAnchor is where in a G the 386 anchor points: just past tlsSelf.
	GAnchor = unsafe.Offsetof(G{}.tlsSelf) + unsafe.Sizeof(uintptr(0))
)

// CPUBlock returns CPU i's block.
func CPUBlock(i int) *CPU { return &cpus[i] }

// PrepareCPU makes g the g CPU i starts with: an application processor
// runs on g's stack from its first Go instruction (kernel/smp).
func PrepareCPU(i int, g *G) {
	cpus[i].G = g
	g.tlsSelf = uintptr(unsafe.Pointer(g))
}

// SetInterruptStack records CPU i's interrupt stack [lo, hi) and the g
// handlers run with there (kernel/trap's entry stubs switch to them).
func SetInterruptStack(i int, lo, hi uintptr, g *G) {
	c := &cpus[i]
	c.IntrLo, c.IntrHi, c.IntrG = lo, hi, g
	g.tlsSelf = uintptr(unsafe.Pointer(g))
}

// ThisCPU returns the running CPU's block (with interrupts or preemption
// off: a preemptible caller may be on another CPU by the time it looks).
func ThisCPU() *CPU

// CPUIndex returns the running CPU's number (same caveat as ThisCPU).
func CPUIndex() int

// TLSWord returns the value the TLS slot must hold for g to be current on
// this architecture (asm.Switch writes it): amd64 g itself, 386 the
// anchor inside g.
//
//go:nosplit
func TLSWord(g *G) uintptr {
	g.tlsSelf = uintptr(unsafe.Pointer(g))
	if unsafe.Sizeof(uintptr(0)) == 8 {
		return uintptr(unsafe.Pointer(g))
	}
	return uintptr(unsafe.Pointer(g)) + GAnchor
}

// setTLS writes the TLS slot (FS:-8 on amd64, GS:0 on 386).
func setTLS(w uintptr)

// getG reads the current g through the TLS slot.
func getG() *G

// SetKernelStack sets the stack this CPU switches to on entry from ring 3
// (ESP0/RSP0 of its TSS). The scheduler calls it on every switch to a
// task, with that task's kernel stack top, interrupts off.
//
//go:nosplit
func SetKernelStack(top uintptr) { ThisCPU().tss.setKernelStack(top) }

// DFStack returns CPU i's double-fault stack [lo, hi).
func DFStack(i int) (lo, hi uintptr) {
	return addrOf(&dfStacks[i][0]), addrOf(&dfStacks[i][0]) + uintptr(len(dfStacks[i]))
}

// DoubleFaultTSS returns CPU i's double-fault task for kernel/trap to fill (386).
func DoubleFaultTSS(i int) *TSS { return &cpus[i].dfTSS }

// MainTSS returns CPU i's main TSS (on 386, a double fault's task switch
// saves the faulting registers in it).
func MainTSS(i int) *TSS { return &cpus[i].tss }

// dfStacks are the stacks double faults run on (amd64: IST1; 386: the
// stack of the double-fault task), one per CPU. A stack overflow that
// reaches a guard page ends here, so these must never be stacks that can
// overflow into it.
var dfStacks [MaxCPUs][16 << 10]byte
