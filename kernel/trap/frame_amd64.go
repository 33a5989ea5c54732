package trap

// Frame is the interrupted context as entry_amd64.s leaves it on the stack,
// lowest address first: the general registers it pushes, the vector and
// error code the stub pushes, then what the CPU always pushes in IA-32e
// mode (Intel SDM Vol. 3A §6.14.2, Figure 6-9).
type Frame struct {
	R15, R14, R13, R12, R11, R10, R9, R8 uintptr
	DI, SI, BP, BX, DX, CX, AX           uintptr
	Vector, ErrorCode                    uintptr
	IP, CS, Flags, userSP, userSS        uintptr
}

// FromUser reports whether the interrupt arrived while running in ring 3.
func (f *Frame) FromUser() bool { return f.CS&3 == 3 }

// SP returns the stack pointer of the interrupted code (always pushed in long mode).
func (f *Frame) SP() uintptr { return f.userSP }

// Syscall ABI (int $0x80): number in AX, arguments in BX, CX, DX, SI —
// the same registers as on 386, so user programs share one convention.
func (f *Frame) SyscallArgs() (nr, a0, a1, a2, a3 uintptr) {
	return f.AX, f.BX, f.CX, f.DX, f.SI
}

// SetReturn sets the system call's result.
func (f *Frame) SetReturn(v uintptr) { f.AX = v }

// Each calls fn for every general register, for reports.
func (f *Frame) Each(fn func(name string, v uintptr)) {
	fn("rax", f.AX)
	fn("rbx", f.BX)
	fn("rcx", f.CX)
	fn("rdx", f.DX)
	fn("rsi", f.SI)
	fn("rdi", f.DI)
	fn("rbp", f.BP)
	fn("rsp", f.userSP)
	fn("r8", f.R8)
	fn("r9", f.R9)
	fn("r10", f.R10)
	fn("r11", f.R11)
	fn("r12", f.R12)
	fn("r13", f.R13)
	fn("r14", f.R14)
	fn("r15", f.R15)
	fn("rip", f.IP)
	fn("rflags", f.Flags)
	fn("cs", f.CS)
	fn("ss", f.userSS)
}

// regFormat prints one register in a report.
const regFormat = "  %6s %#016x"
