// Command hello is the smallest user program: it greets the console with
// its task id, checks getpid, yields a few times and exits 0.
//
// Like every program under user/, it is written in assembly (hello_386.s,
// hello_amd64.s) and linked with -E main.start, so neither the Go runtime
// nor main below ever runs: the kernel jumps straight to start in ring 3.
// The system-call ABI is in user/README.md.
package main

import "tlbrace/kernel/user/abi"

// The kernel interface the assembly uses (as const_NAME from go_asm.h),
// from the one definition in kernel/user/abi.
const (
	syscallVector = abi.SyscallVector // int $0x80
	sysExit       = abi.SysExit       // exit(code)
	sysWrite      = abi.SysWrite      // write(buf, len) -> len or -errno
	sysGetpid     = abi.SysGetpid     // getpid() -> task id
	sysYield      = abi.SysYield      // yield()
)

// start is the entry point: AX = task id, BX = private data address,
// CX = shared page, SP = top of the stack.
func start()

// putdec writes AX as an unsigned decimal number at DI and advances DI.
func putdec()

// greeting is the start of the line hello prints (the assembly reads the
// string header: data pointer, then length).
var greeting = "hello from user task "

func main() { start(); putdec() } // never runs: -E main.start skips it
