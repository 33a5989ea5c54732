// priv for 386: see main.go. System calls: int $0x80, number in AX,
// arguments in BX, CX.
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVL $const_sysWrite, AX  // write(before)
	MOVL ·before(SB), BX
	MOVL ·before+4(SB), CX
	INT $const_syscallVector

	CLI                       // privileged (CPL 3 > IOPL 0): #GP, Intel SDM vol. 2A "CLI"

	MOVL $const_sysWrite, AX  // write(after): only if the CLI did not fault
	MOVL ·after(SB), BX
	MOVL ·after+4(SB), CX
	INT $const_syscallVector
fail:
	MOVL $const_sysExit, AX   // exit(1)
	MOVL $1, BX
	INT $const_syscallVector
	JMP fail
