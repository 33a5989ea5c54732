package asm

// The register-level context switch (Linux's switch_to), and the way into
// ring 3. See kernel/sched/switch.go for the decisions around them.

// Switch saves SP in *save, loads nextSP, writes nextTLS (rt.TLSWord of
// the next task's g) into this CPU's TLS slot and returns on the next
// task's stack: the call returns in the other task.
func Switch(save *uintptr, nextSP uintptr, nextTLS uintptr)

// EnterUser drops to ring 3 at ip with stack sp (IRET), passing a0, a1, a2 in AX, BX, CX.
func EnterUser(ip, sp, cs, ss, flags, a0, a1, a2 uintptr)

// ThreadStartPC returns the address new tasks first "return" to from Switch.
func ThreadStartPC() uintptr
