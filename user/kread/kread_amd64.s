// kread for amd64: see main.go. System calls: int $0x80, number in AX,
// arguments in BX, CX.
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

#define KERNEL_ADDR 0x100000	// the kernel is linked at 1 MiB

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVQ $const_sysWrite, AX  // write(before)
	MOVQ ·before(SB), BX
	MOVQ ·before+8(SB), CX
	INT $const_syscallVector

	MOVQ $KERNEL_ADDR, BX
	MOVQ (BX), DX             // a user-mode read of a supervisor page: #PF

	MOVQ $const_sysWrite, AX  // write(after): only if the read did not fault
	MOVQ ·after(SB), BX
	MOVQ ·after+8(SB), CX
	INT $const_syscallVector
fail:
	MOVQ $const_sysExit, AX   // exit(1)
	MOVQ $1, BX
	INT $const_syscallVector
	JMP fail
