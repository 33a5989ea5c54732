// Command shoot is the missed-shootdown reproducer (kernel/shoot): two
// threads of one address space on two CPUs, one changing a mapping that
// the other reads through its TLB.
//
// The main thread (start) clones a reader thread onto CPU 1, then, round
// after round (generation g = 1, 2, ...):
//
//	mmap the probe page, write g into it, publish g, wait for the reader's
//	acknowledgement; munmap the probe page (its frame is freed only after
//	every CPU that may hold its translation was flushed); mmap the reuse
//	page and write a poison value into it — the freed frame is the first
//	the allocator hands out again.
//
// The reader (reader) waits for a new g, reads the probe page, checks
// that it holds g, acknowledges, and sleeps: its CPU runs the idle task,
// a lazy kernel thread borrowing the address space, while the main thread
// unmaps and remaps. If the reader ever reads anything but g, it went
// through a translation its address space no longer has: it reports
// report(2, address, value) and exits with status 3.
//
// Layout, from the private data address P (BX at entry; the same for both
// threads, who share the address space): P+0 the published generation,
// P+4 the reader's acknowledgement, P+8 the main thread's rounds; the
// reader's stack is the top of the private pages; the probe page is at
// P+ProbeOffset, the reuse page at P+ReuseOffset (both outside every other
// mapping). Assembly in shoot_386.s / shoot_amd64.s; the system-call ABI
// is in user/README.md.
package main

import "tlbrace/kernel/user/abi"

// The kernel interface and layout the assembly uses (as const_NAME from
// go_asm.h), from the one definition in kernel/user/abi.
const (
	syscallVector = abi.SyscallVector
	sysExit       = abi.SysExit
	sysYield      = abi.SysYield
	sysSleep      = abi.SysSleep
	sysReport     = abi.SysReport
	sysClone      = abi.SysClone
	sysMmap       = abi.SysMmap
	sysMunmap     = abi.SysMunmap
	reportStale   = abi.ReportStale
	pageSize      = abi.PageSize
	readerStack   = abi.PrivatePages * abi.PageSize // the reader's stack top, from P
	readerCPU     = 1
	probeOffset   = abi.ProbeOffset
	reuseOffset   = abi.ReuseOffset
	poison        = abi.ShootPoison
)

// start is the main thread: AX = task id, BX = private data address P,
// CX = shared page, SP = top of the stack.
func start()

// reader is the cloned thread: AX = its id, BX = P.
func reader()

func main() { start(); reader() } // never runs: -E main.start skips it
