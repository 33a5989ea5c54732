// Command fuzz throws seeded random system calls at the kernel and checks
// what comes back (workload=fuzz, kernel/fuzz). Its seed arrives on the
// stack: SP points at 8 bytes, little-endian (user/README.md).
//
// Each round it draws, from the seed alone:
//   - a system call: mostly the real numbers, also 0, unknown, huge and
//     negative ones; arguments from pointer and length classes — NULL,
//     small, page-sized, huge, negative, the kernel image, its private
//     region (inside, across a page boundary, across its end, past it),
//     the shared page, its stack, its own text, the top of user space,
//     the top of the address space, anything — with the direction flag
//     set one time in four, X0 and every other register set to values it
//     checks afterwards;
//   - or a write to its own memory (demand paging, the direction flag
//     sometimes set);
//   - or, rarely, an end: exit, a fault of one of a dozen kinds (kernel
//     read, write to its text, wild jump, UD2, divide by zero, CLI, HLT,
//     INT3, single step, ICEBP, a push through a kernel stack pointer), a
//     spin or a sleep until the supervisor kills it.
//
// After each call it checks the ABI's rules: an unknown number gets
// -ENOSYS; a negative result is -ENOMEM, -EFAULT, -EINVAL or -ENOSYS; every
// register but AX, X0 and EFLAGS are unchanged; getpid and mapinfo return
// what the entry registers said; yield returns 0; write returns its length
// or an error, -EFAULT from a kernel address, -EINVAL beyond the longest
// write. A broken rule ends the fuzzer with exit(FuzzViolation | nr<<8 |
// check), which the kernel reports. Assembly in fuzz_386.s / fuzz_amd64.s.
package main

import "tlbrace/kernel/user/abi"

// The kernel interface the assembly uses (as const_NAME from go_asm.h),
// from the one definition in kernel/user/abi.
const (
	syscallVector = abi.SyscallVector
	sysExit       = abi.SysExit
	sysWrite      = abi.SysWrite
	sysGetpid     = abi.SysGetpid
	sysYield      = abi.SysYield
	sysSleep      = abi.SysSleep
	sysMapinfo    = abi.SysMapinfo
	sysClone      = abi.SysClone // never made: a drawn clone becomes getpid (a thread at a random entry would outlive the fuzz supervisor)
	numSyscalls   = abi.NumSyscalls
	numValid      = abi.SysMunmap + 1 - abi.SysWrite // the numbers drawn as "valid": write..munmap (exit only by chance)

	enomem = abi.ENOMEM
	efault = abi.EFAULT
	einval = abi.EINVAL
	enosys = abi.ENOSYS

	maxWrite    = abi.MaxWrite
	maxSleepMS  = abi.MaxSleepMS
	privateSize = abi.PrivatePages * abi.PageSize
	sharedSize  = abi.SharedPages * abi.PageSize

	violation    = abi.FuzzViolation
	checkENOSYS  = abi.FuzzCheckENOSYS
	checkRegs    = abi.FuzzCheckRegs
	checkXMM     = abi.FuzzCheckXMM
	checkErrno   = abi.FuzzCheckErrno
	checkGetpid  = abi.FuzzCheckGetpid
	checkMapinfo = abi.FuzzCheckMapinfo
	checkKernel  = abi.FuzzCheckKernelPtr
	checkLength  = abi.FuzzCheckLength
	checkFlags   = abi.FuzzCheckFlags
	checkResult  = abi.FuzzCheckResult
	flagDF       = 1 << 10 // EFLAGS.DF (Intel SDM Vol. 1 §3.4.3.2)
	flagTF       = 1 << 8  // EFLAGS.TF: a #DB after the next instruction
	endOdds      = 3       // in 1024: a round ends the fuzzer
	touchOdds    = 2       // in 16: a round writes memory instead of calling
	seedIfZero   = 0x2545F4914F6CDD1D
	seedIfZero32 = seedIfZero & 0xffffffff
)

// The fuzzer's state (the 386 version keeps it all here; amd64 keeps
// most of it in registers).
var (
	rng          uint64  // xorshift state, never 0
	taskID       uintptr // AX at entry
	priv, shared uintptr // BX and CX at entry
	nr           uintptr // the call being checked
	saved        [16]uintptr
	flags        uintptr // EFLAGS before the call
)

// start is the entry point: AX = task id, BX = private data address,
// CX = shared page, SP = the seed (8 bytes).
func start()

// next returns the next random number in AX.
func next()

// arg returns a random argument of a random class in AX.
func arg()

// fail exits with FuzzViolation | nr<<8 | AX.
func fail()

func main() { start(); next(); arg(); fail() } // never runs: -E main.start skips it
