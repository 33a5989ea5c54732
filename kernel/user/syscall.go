// Package user is ring 3 as seen from the kernel: system calls, user
// exceptions, and loading programs from the initramfs into new address
// spaces.
package user

import (
	"sync/atomic"

	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/smp"
	"tlbrace/kernel/trap"
	"tlbrace/kernel/user/abi"
)

// System calls: `int $0x80`, number in AX, arguments in BX, CX, DX, SI,
// result in AX; negative results are errors (Linux's errno values). The
// numbers are defined once, in kernel/user/abi, which user programs share.
const (
	SysExit    = abi.SysExit    // exit(code)
	SysWrite   = abi.SysWrite   // write(buf, len) -> bytes written, to the console
	SysGetpid  = abi.SysGetpid  // getpid() -> task id
	SysYield   = abi.SysYield   // yield()
	SysSleep   = abi.SysSleep   // sleep(ms)
	SysReport  = abi.SysReport  // report(kind, addr, value): the stress worker saw something wrong
	SysMapinfo = abi.SysMapinfo // mapinfo() -> the task's private data address
	SysClone   = abi.SysClone   // clone(entry, stack, cpu, arg) -> id: a thread on the caller's mm
	SysMmap    = abi.SysMmap    // mmap(addr, len) -> addr
	SysMunmap  = abi.SysMunmap  // munmap(addr, len) -> 0

	ENOMEM = abi.ENOMEM // out of memory, or no room for the mapping (mmap)
	EFAULT = abi.EFAULT // bad address
	EINVAL = abi.EINVAL // invalid argument
	ENOSYS = abi.ENOSYS // no such system call

	maxWrite = 4096 // longest single write
)

// Syscall counters, and the error results handed out.
var (
	Syscalls                          [abi.NumSyscalls]uint64
	EFaults, EInvals, ENosys, ENomems uint64
)

// OnExit, when set, is told of every exit system call before the task
// ends (the fuzz workload reads the fuzzers' verdicts from their codes).
var OnExit func(t *sched.Task, code int)

// Muted, when set, decides whose writes are swallowed instead of printed
// (counted in MutedBytes): the fuzzers write whatever their random
// pointers hit, which would bury the console — and could forge a line of
// the serial protocol (a fake "EXIT 0") for the harness to believe.
var (
	Muted      func(t *sched.Task) bool
	MutedBytes uint64
)

// OnReport, when set, receives the stress worker's reports.
var OnReport func(t *sched.Task, kind, addr, value uintptr)

// Init installs the system-call gate handler and the user-exception handlers.
func Init() {
	trap.Register(trap.VecSyscall, syscall)
	for v := 0; v < trap.NumExceptions; v++ {
		switch v {
		case trap.VecPageFault, trap.VecNMI, trap.VecDoubleFault, trap.VecMachineCheck:
			continue
		}
		trap.Register(v, userException)
	}
}

func errno(e uintptr) uintptr { return -e }

// syscall dispatches one system call. It runs on the interrupt stack; a
// call that blocks marks the task and sets need_resched, and the switch
// happens on the way out of the trap.
func syscall(f *trap.Frame, g *rt.G) {
	t := sched.Current()
	nr, a0, a1, a2, a3 := f.SyscallArgs()
	t.Syscalls++
	if nr < uintptr(len(Syscalls)) {
		atomic.AddUint64(&Syscalls[nr], 1)
	}
	switch nr {
	case SysExit:
		if OnExit != nil {
			OnExit(t, int(int32(a0)))
		}
		sched.ExitFromTrap(int(int32(a0)))
	case SysWrite:
		f.SetReturn(write(t, a0, a1))
	case SysGetpid:
		f.SetReturn(uintptr(t.ID))
	case SysYield:
		t.Preempt.NeedResched = true
		f.SetReturn(0) // (AX held the number, 4, until the fuzzer asked)
	case SysSleep:
		if a0 > abi.MaxSleepMS { // also every "negative" duration
			EInvals++
			f.SetReturn(errno(EINVAL))
			break
		}
		sched.SleepFromTrap(msToTicks(a0))
		f.SetReturn(0)
	case SysReport:
		f.SetReturn(report(t, a0, a1, a2))
	case SysMapinfo:
		if t.MM == nil {
			f.SetReturn(errno(EFAULT))
		} else {
			f.SetReturn(PrivateBase(t.MM))
		}
	case SysClone:
		f.SetReturn(clone(t, a0, a1, a2, a3))
	case SysMmap:
		f.SetReturn(mapResult(t, a0, mmap(t, a0, a1)))
	case SysMunmap:
		f.SetReturn(mapResult(t, 0, munmap(t, a0, a1)))
	default:
		ENosys++
		f.SetReturn(errno(ENOSYS))
	}
}

// report hands a program's report on. The kind must be one the ABI
// defines (the stress worker's ReportForeign, user/shoot's ReportStale)
// and addr a 4-byte-aligned user address: the stress
// workload reads the word there through the task's own page tables, and
// it must lie inside one frame. (Not necessarily inside the task's VMAs:
// a worker on the wrong page tables reads, and reports, other tasks'
// addresses.) Whether the reporter is a worker at all is for the listener
// to judge (found by the fuzzer: any task could forge a CROSS-MM).
func report(t *sched.Task, kind, addr, value uintptr) uintptr {
	switch {
	case kind != abi.ReportForeign && kind != abi.ReportStale || addr%abi.ReportAlign != 0:
		EInvals++
		return errno(EINVAL)
	case addr < mm.UserBase || addr >= mm.UserTop:
		EFaults++
		return errno(EFAULT)
	}
	if OnReport != nil {
		OnReport(t, kind, addr, value)
	}
	return 0
}

// write copies [buf, buf+n) from the task's address space to the console.
// The pointer is checked against the task's VMAs and the bytes are read
// through its page tables in software: a wild pointer gets -EFAULT, never
// a kernel fault — and a wrong CR3 cannot make the kernel read the wrong
// process's memory here.
//
// The pages are faulted in first and printed after, so a write fails
// whole or succeeds whole: with no frame left for a page of the buffer
// (oom=, framecap=) it returns -ENOMEM, having printed nothing — it used
// to return -EFAULT for a good pointer, after printing what came before.
func write(t *sched.Task, buf, n uintptr) uintptr {
	if n > maxWrite {
		EInvals++
		return errno(EINVAL)
	}
	if t.MM == nil || !t.MM.VMAs.CoversRange(buf, n, false) {
		EFaults++
		return errno(EFAULT)
	}
	if !t.MM.UserBytes(buf, n, false, discard) {
		ENomems++ // the range is good: a page of it could not be mapped
		return errno(ENOMEM)
	}
	out := printUser
	if Muted != nil && Muted(t) {
		out = countMuted
	}
	t.MM.UserBytes(buf, n, false, out)
	return n
}

// clone starts a thread of t's address space (Linux's clone with
// CLONE_VM, reduced): at entry in ring 3 with stack sp, its id in AX and
// arg in BX; cpu (not CloneAnyCPU) pins it to that CPU.
func clone(t *sched.Task, entry, sp, cpu, arg uintptr) uintptr {
	m := t.MM
	if m == nil || entry < mm.UserBase || entry >= mm.UserTop || sp < mm.UserBase || sp > mm.UserTop {
		atomic.AddUint64(&EInvals, 1)
		return errno(EINVAL)
	}
	var allowed uint32
	if c := int(int32(cpu)); c != abi.CloneAnyCPU {
		if c < 0 || c >= rt.MaxCPUs || !smp.Online(c) {
			atomic.AddUint64(&EInvals, 1)
			return errno(EINVAL)
		}
		allowed = 1 << c
	}
	m.GrabUser()
	n := sched.SpawnUserOn(t.Name(), m, entry, sp, arg, SharedVA, allowed)
	if n == nil {
		m.Put()
		return errno(ENOMEM)
	}
	return uintptr(n.ID)
}

// mmap maps anonymous memory at addr (mm.MapAnon); munmap removes it.
func mmap(t *sched.Task, addr, n uintptr) int {
	if t.MM == nil {
		return mm.MapBad
	}
	return t.MM.MapAnon(addr, n)
}

func munmap(t *sched.Task, addr, n uintptr) int {
	if t.MM == nil {
		return mm.MapBad
	}
	return t.MM.UnmapRange(addr, n)
}

// mapResult turns mm's result into the system call's: ok on success, else
// -errno.
func mapResult(t *sched.Task, ok uintptr, r int) uintptr {
	switch r {
	case mm.MapOK:
		return ok
	case mm.MapOverlap:
		return errno(ENOMEM)
	}
	atomic.AddUint64(&EInvals, 1)
	return errno(EINVAL)
}
func discard([]byte)      {}
func printUser(p []byte)  { console.Printf("%s", p) }
func countMuted(p []byte) { MutedBytes += uint64(len(p)) }

func msToTicks(ms uintptr) uint64 {
	t := uint64(ms) * sched.HZ / 1000
	if t == 0 {
		t = 1
	}
	return t
}

// userException handles an exception. From ring 3 it kills the task with
// a report and the kernel carries on; from ring 0 it is an oops.
func userException(f *trap.Frame, g *rt.G) {
	if !f.FromUser() {
		trap.Oops(f, g, "unexpected trap")
		return
	}
	t := sched.Current()
	console.Printf("USER FAULT: task %d (%s): %s at ip %#x, error code %#x\n",
		t.ID, t.Name(), trap.VectorName(f.Vector), f.IP, f.ErrorCode)
	if t.MM != nil {
		mm.PrintVMAs(t.MM)
	}
	mm.Kill(trap.VectorName(f.Vector))
}
