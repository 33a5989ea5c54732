// Command priv executes a privileged instruction (CLI) in ring 3. The CPU
// raises #GP and the kernel must kill the task with a report; if it ever
// gets past the CLI it says so and exits 1. Assembly in priv_386.s /
// priv_amd64.s; the system-call ABI is in user/README.md.
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
	before = "priv: executing CLI in ring 3 (the kernel must kill this task)\n"
	after  = "priv: still running after CLI: the kernel did not stop it\n"
)

func main() { start() } // never runs: -E main.start skips it
