#include "textflag.h"
#include "go_asm.h" // const_bootStackSize, const_msrFSBase, const_cpuTLSBase (main.go)

// Go-side entry for amd64. The Multiboot header and the 32→64-bit
// trampoline live in trampoline_amd64.syso (source: trampoline/multiboot64.S),
// which the linker places first in .text. The trampoline enters long mode
// with the first 4 GiB identity-mapped, SSE on, and jumps here (the ELF
// entry point) with EAX = Multiboot magic, EBX = boot information address.

TEXT ·rt0(SB), NOSPLIT|NOFRAME, $0
	CLI
	// The linker keeps host-object text only when something reachable from
	// the entry refers to it: this reference keeps the trampoline (and the
	// Multiboot header in it) in the image, first in .text.
	LEAQ multiboot64_header(SB), R8
	MOVL AX, R12             // magic (MOVL zero-extends)
	MOVL BX, R13             // boot information
	MOVQ $tlbrace∕kernel∕rt·bootStack+const_bootStackSize(SB), SP

	// Compiled Go finds g at FS:-8 (ABI0 wrappers load R14 from there):
	// FS base = the boot CPU's TLS base (rt.cpus[0], kernel/rt/percpu.go),
	// so FS:-8 is rt.cpus[0].G, which holds &rt.g0.
	MOVQ $tlbrace∕kernel∕rt·cpus+const_cpuTLSBase(SB), AX
	MOVQ AX, DX
	SHRQ $32, DX
	MOVL $const_msrFSBase, CX
	WRMSR
	MOVQ $tlbrace∕kernel∕rt·g0(SB), AX
	MOVQ AX, (TLS)

	// start(magic, info): arguments are pushed now and stay put while
	// SetupCPU (no arguments) runs above them.
	PUSHQ R13
	PUSHQ R12
	CALL ·setupCPU(SB) // GDT, TSS, g0's stack bounds
	CALL ·start(SB)

halt:
	CLI
	HLT
	JMP halt
