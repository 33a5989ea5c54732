// Package abi is the interface between the kernel (kernel/user) and the
// ring-3 programs under user/ (user/README.md): system-call numbers, error
// results and the layout a program is started with. It holds constants
// only and imports nothing, so a user program imports it without linking
// any kernel code; each program's main.go restates the values its
// assembly needs as its own constants, which the assembly reads from
// go_asm.h (const_NAME).
package abi

// System calls: `int $0x80`, number in AX, arguments in BX, CX, DX, SI,
// result in AX; negative results are errors (Linux's errno values).
const (
	SyscallVector = 0x80 // the interrupt vector of `int $0x80`, as on i386 Linux

	SysExit     = 1  // exit(code)
	SysWrite    = 2  // write(buf, len) -> bytes written, to the console
	SysGetpid   = 3  // getpid() -> task id
	SysYield    = 4  // yield()
	SysSleep    = 5  // sleep(ms)
	SysReport   = 6  // report(kind, addr, value): the stress worker saw something wrong
	SysMapinfo  = 7  // mapinfo() -> the task's private data address
	SysClone    = 8  // clone(entry, stack, cpu, arg) -> the new thread's id: it shares the caller's address space
	SysMmap     = 9  // mmap(addr, len) -> addr: anonymous read-write memory at a fixed, page-aligned address
	SysMunmap   = 10 // munmap(addr, len) -> 0: removes exactly one mmap'ed range
	NumSyscalls = 11 // one more than the highest number

	ENOMEM = 12 // out of memory: a frame the call needed could not be had, or (mmap) no room: the range overlaps a mapping, or too many mappings
	EFAULT = 14 // bad address
	EINVAL = 22 // invalid argument
	ENOSYS = 38 // no such system call
)

// Limits of the arguments; beyond them a call fails with -EINVAL.
const (
	MaxWrite   = 4096      // write: longest single write, in bytes
	MaxSleepMS = 3_600_000 // sleep: longest sleep, an hour (also: no negative one)
	// ReportAlign: report's addr is where the worker read a 4-byte word.
	ReportAlign = 4
)

// The fuzzer (user/fuzz) and the fuzz workload (kernel/fuzz). A fuzzer
// starts like every program, plus its seed: SP points at it (8 bytes,
// little-endian), right below the stack top. When it catches the kernel
// breaking a rule of this ABI it exits with FuzzViolation | nr<<8 | check.
const (
	FuzzViolation     = 0x46550000 // "FU" in the high half
	FuzzViolationMask = 0xffff0000

	FuzzCheckENOSYS    = 1  // an unknown number did not return -ENOSYS
	FuzzCheckRegs      = 2  // a register other than AX changed
	FuzzCheckXMM       = 3  // X0 changed
	FuzzCheckErrno     = 4  // a negative result that is no errno of this ABI
	FuzzCheckGetpid    = 5  // getpid is not the id given at entry
	FuzzCheckMapinfo   = 6  // mapinfo is not the private address given at entry
	FuzzCheckKernelPtr = 7  // write from a kernel address did not fail with -EFAULT
	FuzzCheckLength    = 8  // write longer than MaxWrite did not fail with -EINVAL
	FuzzCheckFlags     = 9  // DF (or another arithmetic/control flag it set) changed
	FuzzCheckResult    = 10 // yield, or a sleep of a valid length, did not return 0
)

// Report kinds (the first argument of report).
const (
	ReportForeign = 1 // the worker read another task's signature
	ReportStale   = 2 // shoot read, through its own address, memory its mapping no longer holds
)

// CloneAnyCPU as clone's cpu argument lets the new thread run anywhere.
const CloneAnyCPU = -1

// The memory a program starts with, besides its ELF segments and stack:
// BX = PrivatePages writable pages at an address no other task maps, CX =
// one writable page at the same address in every task.
const (
	PageSize     = 4096
	PrivatePages = 16
	SharedPages  = 1
)

// The missed-shootdown reproducer's layout (user/shoot, kernel/shoot):
// the probe page and the reuse page lie at these offsets from the private
// data address, inside the task's own slot of user space (no other
// mapping there); a reuse page holds ShootPoison | generation.
const (
	ProbeOffset = 0x20000
	ReuseOffset = 0x30000
	ShootPoison = 0xDEAD0000
)
