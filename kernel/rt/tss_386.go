package rt

// TSS is the 32-bit task-state segment, field for field as Intel SDM Vol.
// 3A §8.2.1, Figure 8-2 names them; the blank fields are the figure's
// reserved bits (the upper halves of the 16-bit selector slots).
// tss_386_test.go checks every offset against the figure.
type TSS struct {
	PrevTaskLink uint16
	_            uint16
	ESP0         uint32
	SS0          uint16
	_            uint16
	ESP1         uint32
	SS1          uint16
	_            uint16
	ESP2         uint32
	SS2          uint16
	_            uint16
	CR3          uint32 // the PDBR
	EIP          uint32
	EFLAGS       uint32
	EAX          uint32
	ECX          uint32
	EDX          uint32
	EBX          uint32
	ESP          uint32
	EBP          uint32
	ESI          uint32
	EDI          uint32
	ES           uint16
	_            uint16
	CS           uint16
	_            uint16
	SS           uint16
	_            uint16
	DS           uint16
	_            uint16
	FS           uint16
	_            uint16
	GS           uint16
	_            uint16
	LDTSelector  uint16 // "LDT Segment Selector"
	_            uint16
	T            uint16 // bit 0: debug trap on a switch to this task
	IOMapBase    uint16 // "I/O Map Base Address"
}

// setKernelStack sets the stack the CPU switches to on entry from ring 3
// (SS0 is the kernel data selector, set once by SetupCPU).
//
//go:nosplit
func (t *TSS) setKernelStack(top uintptr) { t.ESP0 = uint32(top) }
