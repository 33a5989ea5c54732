#include "textflag.h"
#include "go_asm.h" // const_cpuSize, const_cpuTLSBase, const_msrFSBase (arch_amd64.go)

// apEntry: from boot/trampoline/ap.S in 64-bit mode on the kernel's page
// tables, RSP = the stack kernel/smp gave this CPU, RAX = its number. SSE
// is on (CR0 and CR4 as the boot processor has them). Compiled Go finds g
// at FS:-8 (ABI0 wrappers load R14 from there): FS base = this CPU's TLS
// base, &rt.cpus[cpu] + rt.CPUTLSBase, before the first Go call.
TEXT ·apEntry(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ AX, R12
	IMULQ $const_cpuSize, AX
	MOVQ $tlbrace∕kernel∕rt·cpus+const_cpuTLSBase(SB), BX
	ADDQ BX, AX
	MOVQ AX, DX
	SHRQ $32, DX
	MOVL $const_msrFSBase, CX
	WRMSR
	PUSHQ R12
	PUSHQ R12
	CALL ·apStart(SB)
halt:
	CLI
	HLT
	JMP halt

TEXT ·apEntryPC(SB), NOSPLIT, $0-8
	MOVQ $·apEntry(SB), AX
	MOVQ AX, ret+0(FP)
	RET
