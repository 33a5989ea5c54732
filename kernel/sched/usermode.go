package sched

import (
	"tlbrace/asm"
	"tlbrace/kernel/rt"
)

// User tasks: a task with its own mm that runs in ring 3. It starts like a
// kernel thread (taskEntry on its kernel stack) and drops to ring 3 with
// IRET; from then on it enters the kernel only through interrupts,
// exceptions and `int $0x80`, on its kernel stack (the TSS's esp0/rsp0,
// updated at every switch). SpawnUser (lifecycle.go) creates one.

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
