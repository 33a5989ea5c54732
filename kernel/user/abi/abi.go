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

	SysExit    = 1  // exit(code)
	SysWrite   = 2  // write(buf, len) -> bytes written, to the console
	SysGetpid  = 3  // getpid() -> task id
	SysYield   = 4  // yield()
	SysSleep   = 5  // sleep(ms)
	SysReport  = 6  // report(kind, addr, value): the stress worker saw something wrong
	SysMapinfo = 7  // mapinfo() -> the task's private data address
	SysClone   = 8  // clone(entry, stack, cpu, arg) -> the new thread's id: it shares the caller's address space
	SysMmap    = 9  // mmap(addr, len) -> addr: anonymous read-write memory at a fixed, page-aligned address
	SysMunmap  = 10 // munmap(addr, len) -> 0: removes exactly one mmap'ed range

	EFAULT = 14 // bad address
	ENOMEM = 12 // no room: the range overlaps a mapping, or too many mappings
	EINVAL = 22 // invalid argument
	ENOSYS = 38 // no such system call
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
