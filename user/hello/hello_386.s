// hello for 386: see main.go and hello_amd64.s (the same code with 32-bit
// registers).
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVL AX, BP               // BP = task id
	MOVL BX, DI               // DI = private data page, used as the line buffer
	PUSHL BX                  // keep the buffer address on the stack

	// Build "hello from user task <id>\n" at the buffer.
	MOVL ·greeting(SB), SI    // string data
	MOVL ·greeting+4(SB), CX  // string length
	CLD
	REP; MOVSB                // copy CX bytes from SI to DI
	MOVL BP, AX
	CALL ·putdec(SB)          // the id in decimal
	MOVB $'\n', (DI)
	INCL DI

	// write(buffer, DI-buffer)
	POPL BX
	MOVL DI, CX
	SUBL BX, CX
	MOVL $const_sysWrite, AX
	INT $const_syscallVector

	// getpid() must return the id the kernel passed in AX; else exit(1).
	MOVL $const_sysGetpid, AX
	INT $const_syscallVector
	CMPL AX, BP
	JNE fail

	// yield() three times.
	MOVL $3, SI
again:
	MOVL $const_sysYield, AX
	INT $const_syscallVector
	DECL SI
	JNZ again

	// exit(0)
	MOVL $const_sysExit, AX
	MOVL $0, BX
	INT $const_syscallVector
fail:
	MOVL $const_sysExit, AX   // exit(1)
	MOVL $1, BX
	INT $const_syscallVector
	JMP fail                  // exit does not return

// putdec writes AX as unsigned decimal at DI and advances DI.
// It pushes the digits (last first) and pops them in order.
// Clobbers AX, BX, CX, DX.
TEXT ·putdec(SB), NOSPLIT|NOFRAME, $0
	MOVL $0, CX               // CX = number of digits pushed
	MOVL $10, BX
digit:
	MOVL $0, DX
	DIVL BX                   // AX = AX / 10, DX = AX % 10
	ADDL $'0', DX
	PUSHL DX
	INCL CX
	CMPL AX, $0
	JNE digit
store:
	POPL DX
	MOVB DX, (DI)
	INCL DI
	DECL CX
	JNZ store
	RET
