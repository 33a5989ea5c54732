package main

import "tlbrace/kernel/rt"

// The CPU features the 386 kernel needs, checked by checkCPU
// (cpucheck_386.s) right at entry, before SSE is switched on and before
// any Go code runs: on a CPU without them the kernel would fault before
// it could say anything (no IDT yet), and QEMU would hang or reset in
// silence. Each is a bit of CPUID.01H:EDX, Intel SDM Vol. 2A, CPUID,
// Table 3-11 "Information Returned in the EDX Register". CPUID itself
// exists iff EFLAGS.ID (bit 21) can be toggled (SDM Vol. 1 §3.4.3.3).
const (
	cpuidTSC  = 1 << 4  // RDTSC: boot timing, tick overhead, switch costs
	cpuidAPIC = 1 << 9  // local APIC: the timer (optional: the PIT is the fallback)
	cpuidPGE  = 1 << 13 // CR4.PGE and global pages: flushTLBGlobal
	cpuidFXSR = 1 << 24 // FXSAVE/FXRSTOR: the trap path saves SSE state with them
	cpuidSSE  = 1 << 25 // CR4.OSFXSR: compiled Go (GO386=sse2) uses SSE
	cpuidSSE2 = 1 << 26 // ... and SSE2

	// exitUnsupportedCPU is what checkCPU writes to isa-debug-exit
	// (QEMU status 9; docs/conventions.md).
	exitUnsupportedCPU = rt.ExitUnsupportedCPU
	numCPUFeatures     = len(cpuFeatures)
)

// cpuFeature is one entry of the table checkCPU walks.
type cpuFeature struct {
	bit      uint32 // in CPUID.01H:EDX
	required uint32 // 1: refuse to boot without it; 0: only report its absence
	name     string // printed after a space
}

// cpuFeatures: a constant composite literal, so the linker lays it out
// statically (no Go initialisation runs before checkCPU reads it).
var cpuFeatures = [...]cpuFeature{
	{cpuidTSC, 1, " TSC"},
	{cpuidPGE, 1, " PGE"},
	{cpuidFXSR, 1, " FXSR"},
	{cpuidSSE, 1, " SSE"},
	{cpuidSSE2, 1, " SSE2"},
	{cpuidAPIC, 0, " APIC"},
}

// The lines checkCPU prints (docs/conventions.md, serial protocol).
var (
	cpuMsgMissing  = "UNSUPPORTED-CPU: tlbrace 386 cannot run on this CPU; it lacks:"
	cpuMsgNoCPUID  = " CPUID"     // EFLAGS.ID does not toggle
	cpuMsgNoLeaf1  = " CPUID.01H" // CPUID's highest basic leaf is 0: no feature flags
	cpuMsgOptional = "\r\nUNSUPPORTED-CPU: optional, also absent:"
	cpuMsgExit     = "\r\nEXIT 4\r\n"
)

// checkCPU returns if the CPU has every required feature; otherwise it
// prints the missing ones on COM1 and leaves QEMU with exitUnsupportedCPU.
func checkCPU()
