// Command worker is the stress workload: it keeps writing its signature
// into its 16 private pages and the shared-address page and reading it
// back, forever. If a read ever returns something else (another task's
// signature: this task ran on someone else's page tables), it reports it
// with report(1, addr, value) and exits with status 2.
//
// The private pages sit at a different address in every task, so on a
// wrong CR3 they fault; the shared page has the same address everywhere,
// so on a wrong CR3 it silently shows another task's signature. Both
// outcomes are what the TLB-flush race produces. Assembly in
// worker_386.s / worker_amd64.s; the system-call ABI is in user/README.md.
package main

import "tlbrace/kernel/user/abi"

// The kernel interface the assembly uses (as const_NAME from go_asm.h),
// from the one definition in kernel/user/abi.
const (
	syscallVector = abi.SyscallVector                   // int $0x80
	sysExit       = abi.SysExit                         // exit(code)
	sysYield      = abi.SysYield                        // yield()
	sysReport     = abi.SysReport                       // report(kind, addr, value)
	reportForeign = abi.ReportForeign                   // report kind: read another task's signature
	privateWords  = abi.PrivatePages * abi.PageSize / 4 // the private pages, in 4-byte words
	sharedWords   = abi.SharedPages * abi.PageSize / 4  // the shared page, in 4-byte words
)

// start is the entry point: AX = task id, BX = private data address,
// CX = shared page, SP = top of the stack.
func start()

// check compares CX 4-byte words at SI with the signature; on a mismatch
// it reports and exits.
func check()

func main() { start(); check() } // never runs: -E main.start skips it
