// Command badptr hands write() bad buffers and prints the error codes the
// kernel returns, one line each, then exits 0:
//
//	badptr: write(kernel addr) = -14        the kernel image at 1 MiB
//	badptr: write(unmapped addr) = -14      just past its private VMA
//	badptr: write(huge length) = -22        a length of -1 (all ones)
//	badptr: write(straddling VMA end) = -14 8 bytes in the VMA, 8 past it
//
// (-14 is EFAULT, -22 EINVAL; the kernel decides which applies.) None of
// these may crash the kernel or print a byte. Assembly in badptr_386.s /
// badptr_amd64.s; the system-call ABI is in user/README.md.
package main

import "tlbrace/kernel/user/abi"

// The kernel interface the assembly uses (as const_NAME from go_asm.h),
// from the one definition in kernel/user/abi.
const (
	syscallVector = abi.SyscallVector               // int $0x80
	sysExit       = abi.SysExit                     // exit(code)
	sysWrite      = abi.SysWrite                    // write(buf, len) -> len or -errno
	privateSize   = abi.PrivatePages * abi.PageSize // the private VMA (nothing mapped after it)
)

// start is the entry point: AX = task id, BX = private data address,
// CX = shared page, SP = top of the stack.
func start()

// try calls write(BX, CX) and prints the label and the result.
func try()

// putdec writes AX as an unsigned decimal number at DI and advances DI.
func putdec()

// The labels try prints before each result.
var (
	labelKernel   = "badptr: write(kernel addr) = "
	labelUnmapped = "badptr: write(unmapped addr) = "
	labelHuge     = "badptr: write(huge length) = "
	labelStraddle = "badptr: write(straddling VMA end) = "
)

func main() { start(); try(); putdec() } // never runs: -E main.start skips it
