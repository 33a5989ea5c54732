// hello for amd64: see main.go. The kernel keeps every register but AX
// across a system call (int $0x80: number in AX, arguments in BX, CX, DX,
// SI, result in AX).
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVQ AX, R12              // R12 = task id
	MOVQ BX, R13              // R13 = private data page, used as the line buffer

	// Build "hello from user task <id>\n" at R13.
	MOVQ ·greeting(SB), SI    // string data
	MOVQ ·greeting+8(SB), CX  // string length
	MOVQ R13, DI
	CLD
	REP; MOVSB                // copy CX bytes from SI to DI
	MOVQ R12, AX
	CALL ·putdec(SB)          // the id in decimal
	MOVB $'\n', (DI)
	INCQ DI

	// write(R13, DI-R13)
	MOVQ $const_sysWrite, AX
	MOVQ R13, BX
	MOVQ DI, CX
	SUBQ R13, CX
	INT $const_syscallVector

	// getpid() must return the id the kernel passed in AX; else exit(1).
	MOVQ $const_sysGetpid, AX
	INT $const_syscallVector
	CMPQ AX, R12
	JNE fail

	// yield() three times.
	MOVQ $3, R14
again:
	MOVQ $const_sysYield, AX
	INT $const_syscallVector
	DECQ R14
	JNZ again

	// exit(0)
	MOVQ $const_sysExit, AX
	MOVQ $0, BX
	INT $const_syscallVector
fail:
	MOVQ $const_sysExit, AX   // exit(1)
	MOVQ $1, BX
	INT $const_syscallVector
	JMP fail                  // exit does not return

// putdec writes AX as unsigned decimal at DI and advances DI.
// It pushes the digits (last first) and pops them in order. Clobbers AX, CX, DX.
TEXT ·putdec(SB), NOSPLIT|NOFRAME, $0
	MOVQ $0, CX               // CX = number of digits pushed
digit:
	MOVQ $0, DX
	MOVQ $10, R8
	DIVQ R8                   // AX = AX / 10, DX = AX % 10
	ADDQ $'0', DX
	PUSHQ DX
	INCQ CX
	CMPQ AX, $0
	JNE digit
store:
	POPQ DX
	MOVB DX, (DI)
	INCQ DI
	DECQ CX
	JNZ store
	RET
