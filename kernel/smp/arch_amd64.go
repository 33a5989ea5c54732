package smp

import "tlbrace/kernel/rt"

// longMode tells the trampoline to enter IA-32e mode.
const longMode = 1

// Constants entry_amd64.s reads from go_asm.h (const_NAME).
const (
	cpuSize    = rt.CPUSize    // one rt.CPU block
	cpuTLSBase = rt.CPUTLSBase // the TLS base's offset in it
	msrFSBase  = rt.MSRFSBase
)
