// kread for 386: see main.go. System calls: int $0x80, number in AX,
// arguments in BX, CX.
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

#define KERNEL_ADDR 0x100000	// the kernel is linked at 1 MiB

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVL $const_sysWrite, AX  // write(before)
	MOVL ·before(SB), BX
	MOVL ·before+4(SB), CX
	INT $const_syscallVector

	MOVL $KERNEL_ADDR, BX
	MOVL (BX), DX             // a user-mode read of a supervisor page: #PF

	MOVL $const_sysWrite, AX  // write(after): only if the read did not fault
	MOVL ·after(SB), BX
	MOVL ·after+4(SB), CX
	INT $const_syscallVector
fail:
	MOVL $const_sysExit, AX   // exit(1)
	MOVL $1, BX
	INT $const_syscallVector
	JMP fail
