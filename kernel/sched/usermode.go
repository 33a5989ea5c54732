package sched

import (
	"tlbrace/asm"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/rt"
)

// User tasks: a task with its own mm that runs in ring 3. It starts like a
// kernel thread (taskEntry on its kernel stack) and drops to ring 3 with
// IRET; from then on it enters the kernel only through interrupts,
// exceptions and `int $0x80`, on its kernel stack (the TSS's esp0/rsp0,
// updated at every switch).

// SpawnUser creates a user task on address space m (taking over the
// caller's mm_users reference), starting at ip with stack sp; its task id
// arrives in AX, a1 and a2 in BX and CX.
func SpawnUser(name string, m *mm.MM, ip, sp, a1, a2 uintptr) *Task {
	flags := asm.SaveFlagsCli()
	defer asm.RestoreFlags(flags)
	t := allocTask(name)
	if t == nil {
		return nil
	}
	// Its active_mm is its own mm from the start (covered by the users'
	// reference, as in Linux), not only once it first runs: Kill, which
	// drops the active_mm reference exitMM takes, would otherwise leak a
	// task killed before it ever ran (found by the fuzzer).
	t.MM, t.ActiveMM = m, m
	t.user = userEntry{ip: ip, sp: sp, a0: uintptr(t.ID), a1: a1, a2: a2}
	prepareStack(t)
	t.State = Runnable
	rq.Push(t.ID)
	TasksSpawned++
	return t
}

// BeforeUserEntry, when set, runs just before a task first drops to
// ring 3 (kernel tests use it to stage a wrong CR3).
var BeforeUserEntry func(t *Task)

// enterUser leaves for ring 3 with interrupts enabled by IRET.
func enterUser(t *Task) {
	if BeforeUserEntry != nil {
		BeforeUserEntry(t)
	}
	u := &t.user
	asm.EnterUser(u.ip, u.sp, rt.UserCS, rt.UserDS, asm.FlagIF|flagsReserved, u.a0, u.a1, u.a2)
}

// flagsReserved is EFLAGS bit 1, which always reads as 1 (SDM Vol. 1 §3.4.3).
const flagsReserved = 1 << 1
