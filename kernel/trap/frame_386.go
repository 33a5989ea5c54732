package trap

import "unsafe"

// Frame is the interrupted context as entry_386.s leaves it on the stack,
// lowest address first: the segment registers and PUSHAL block it pushes,
// the vector and error code the stub pushes, then what the CPU pushes
// (Intel SDM Vol. 3A §6.12.1, Figure 6-4). ESP and SS exist only when the
// interrupt came from ring 3.
type Frame struct {
	GS, FS, ES, DS                      uintptr
	DI, SI, BP, spDummy, BX, DX, CX, AX uintptr
	Vector, ErrorCode                   uintptr
	IP, CS, Flags                       uintptr
	userSP, userSS                      uintptr
}

// FromUser reports whether the interrupt arrived while running in ring 3.
func (f *Frame) FromUser() bool { return f.CS&3 == 3 }

// SP returns the stack pointer of the interrupted code. In ring 0 the CPU
// pushed no ESP: the interrupted stack continues right above Flags.
func (f *Frame) SP() uintptr {
	if f.FromUser() {
		return f.userSP
	}
	return uintptr(unsafe.Pointer(&f.userSP))
}

// Syscall ABI (int $0x80): number in AX, arguments in BX, CX, DX, SI, DI;
// result in AX — the i386 Linux convention.
func (f *Frame) SyscallArgs() (nr, a0, a1, a2, a3 uintptr) {
	return f.AX, f.BX, f.CX, f.DX, f.SI
}

// SetReturn sets the system call's result.
func (f *Frame) SetReturn(v uintptr) { f.AX = v }

// Each calls fn for every general register, for reports.
func (f *Frame) Each(fn func(name string, v uintptr)) {
	fn("eax", f.AX)
	fn("ebx", f.BX)
	fn("ecx", f.CX)
	fn("edx", f.DX)
	fn("esi", f.SI)
	fn("edi", f.DI)
	fn("ebp", f.BP)
	fn("esp", f.SP())
	fn("eip", f.IP)
	fn("eflags", f.Flags)
	fn("cs", f.CS)
	fn("ds", f.DS)
	fn("gs", f.GS)
}

// regFormat prints one register in a report.
const regFormat = "  %6s %#08x"
