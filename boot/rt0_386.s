#include "textflag.h"
#include "go_asm.h" // const_bootStackSize (main.go)

// Multiboot entry for 386. The Multiboot header itself is the payload of the
// ELF build-id note (the Makefile's -B flag), which the linker places in the
// first page, where Multiboot 0.6.96 §3.1.1 requires it (first 8 KiB).
//
// Entry state (Multiboot 0.6.96 §3.2): 32-bit protected mode, paging off,
// interrupts off, EAX = 0x2BADB002, EBX = physical address of the boot
// information. Nothing else can be trusted: not the stack, not the GDT.

#define CR0_EM         0x4   // Intel SDM Vol. 3A §2.5: x87 emulation (must be 0 for SSE)
#define CR0_MP         0x2   // monitor coprocessor
#define CR4_OSFXSR     0x200 // SDM Vol. 3A §13.1.3: FXSAVE/FXRSTOR and SSE enabled
#define CR4_OSXMMEXCPT 0x400 // SSE exceptions reported as #XM

TEXT ·rt0(SB), NOSPLIT, $0
	CLI
	MOVL $tlbrace∕kernel∕rt·bootStack+const_bootStackSize(SB), SP

	// Refuse, loudly, a CPU without what follows needs (SSE, FXSR, PGE,
	// TSC): cpucheck_386.s prints what is missing and exits with status 9.
	PUSHL AX
	PUSHL BX
	CALL ·checkCPU(SB)
	POPL BX
	POPL AX

	// Compiled Go uses SSE for floats and for copying and zeroing memory:
	// turn it on before the first Go instruction runs.
	MOVL CR0, CX
	ANDL $~CR0_EM, CX
	ORL  $CR0_MP, CX
	MOVL CX, CR0
	MOVL CR4, CX
	ORL  $(CR4_OSFXSR|CR4_OSXMMEXCPT), CX
	MOVL CX, CR4

	// start(magic, info): arguments are pushed now and stay put while
	// SetupCPU (no arguments) runs above them.
	PUSHL BX
	PUSHL AX
	CALL ·setupCPU(SB) // GDT, TLS segment, g0: Go prologues work after this
	CALL ·start(SB)

halt:
	CLI
	HLT
	JMP halt
