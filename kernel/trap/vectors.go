package trap

import "tlbrace/kernel/user/abi"

// Exception vectors: Intel SDM Vol. 3A §6.3.1, Table 6-1.
const (
	VecDivide       = 0
	VecDebug        = 1
	VecNMI          = 2
	VecBreakpoint   = 3
	VecOverflow     = 4
	VecBound        = 5
	VecInvalidOp    = 6
	VecNoDevice     = 7
	VecDoubleFault  = 8
	VecInvalidTSS   = 10
	VecNoSegment    = 11
	VecStackFault   = 12
	VecGPF          = 13
	VecPageFault    = 14
	VecFPU          = 16
	VecAlignment    = 17
	VecMachineCheck = 18
	VecSIMD         = 19
	VecVirt         = 20
	VecControlProt  = 21
	NumExceptions   = 32
	VecTimer        = 32                // the local APIC timer (kernel/sched)
	VecPICBase      = 32                // legacy PIC IRQs 0-15 remapped to 32-47, all masked
	VecSyscall      = abi.SyscallVector // int $0x80 from ring 3
	VecResched      = 0xfc              // IPI: reschedule (Linux i386 RESCHEDULE_VECTOR)
	VecInvalidate   = 0xfd              // IPI: TLB shootdown (Linux i386 INVALIDATE_TLB_VECTOR)
	VecSpurious     = 0xff              // local APIC spurious interrupts
	numVectors      = 256               // entry stubs exist for 0..47, 0x80, 0xfc, 0xfd and 0xff
)

var exceptionNames = [NumExceptions]string{
	"divide error (#DE)", "debug (#DB)", "NMI", "breakpoint (#BP)",
	"overflow (#OF)", "bound range (#BR)", "invalid opcode (#UD)", "device not available (#NM)",
	"double fault (#DF)", "coprocessor segment overrun", "invalid TSS (#TS)", "segment not present (#NP)",
	"stack-segment fault (#SS)", "general protection (#GP)", "page fault (#PF)", "reserved 15",
	"x87 FPU error (#MF)", "alignment check (#AC)", "machine check (#MC)", "SIMD exception (#XM)",
	"virtualization (#VE)", "control protection (#CP)", "reserved 22", "reserved 23",
	"reserved 24", "reserved 25", "reserved 26", "reserved 27",
	"reserved 28", "reserved 29", "reserved 30", "reserved 31",
}

// VectorName names a vector for reports.
func VectorName(v uintptr) string {
	switch {
	case v < NumExceptions:
		return exceptionNames[v]
	case v == VecTimer:
		return "timer interrupt"
	case v == VecSyscall:
		return "system call"
	case v == VecResched:
		return "reschedule IPI"
	case v == VecInvalidate:
		return "TLB shootdown IPI"
	case v == VecSpurious:
		return "spurious interrupt"
	}
	return "interrupt"
}
