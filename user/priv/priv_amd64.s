// priv for amd64: see main.go. System calls: int $0x80, number in AX,
// arguments in BX, CX.
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVQ $const_sysWrite, AX  // write(before)
	MOVQ ·before(SB), BX
	MOVQ ·before+8(SB), CX
	INT $const_syscallVector

	CLI                       // privileged (CPL 3 > IOPL 0): #GP, Intel SDM vol. 2A "CLI"

	MOVQ $const_sysWrite, AX  // write(after): only if the CLI did not fault
	MOVQ ·after(SB), BX
	MOVQ ·after+8(SB), CX
	INT $const_syscallVector
fail:
	MOVQ $const_sysExit, AX   // exit(1)
	MOVQ $1, BX
	INT $const_syscallVector
	JMP fail
