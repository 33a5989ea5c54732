// Command kread reads kernel memory (the kernel image at 1 MiB) from
// ring 3. The page is supervisor-only, so the CPU raises #PF and the
// kernel must kill the task with a report; if the read ever succeeds it
// says so and exits 1. Assembly in kread_386.s / kread_amd64.s; the
// system-call ABI is in user/README.md.
package main

import "tlbrace/kernel/user/abi"

// The kernel interface the assembly uses (as const_NAME from go_asm.h),
// from the one definition in kernel/user/abi.
const (
	syscallVector = abi.SyscallVector // int $0x80
	sysExit       = abi.SysExit       // exit(code)
	sysWrite      = abi.SysWrite      // write(buf, len)
)

// start is the entry point: AX = task id, BX = private data address,
// CX = shared page, SP = top of the stack.
func start()

var (
	before = "kread: reading kernel memory at 0x100000 (the kernel must kill this task)\n"
	after  = "kread: read kernel memory: the kernel did not stop it\n"
)

func main() { start() } // never runs: -E main.start skips it
