// worker for amd64: see main.go. The kernel keeps every register but AX
// across a system call (int $0x80: number in AX, arguments in BX, CX, DX,
// SI, result in AX).
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVL AX, R12              // R12 = signature 0x5A5A0000 | id
	ANDL $0xFFFF, R12
	ORL $0x5A5A0000, R12
	MOVQ BX, R13              // R13 = private pages
	MOVQ CX, R14              // R14 = shared page
	MOVQ $0, R15              // R15 = rounds done (a debugger's progress mark)
	CLD

round:
	// Fill the private pages, then the shared page, with the signature.
	MOVL R12, AX
	MOVQ R13, DI
	MOVQ $const_privateWords, CX
	REP; STOSL                // store AX at DI, CX times
	MOVQ R14, DI
	MOVQ $const_sharedWords, CX
	REP; STOSL

	// Read them all back.
	MOVQ R13, SI
	MOVQ $const_privateWords, CX
	CALL ·check(SB)
	MOVQ R14, SI
	MOVQ $const_sharedWords, CX
	CALL ·check(SB)

	// yield() after every round: the watchdog sees progress at a steady
	// pace (a round is ~120,000 instructions), and each yield is one more
	// switch away from this address space.
	INCQ R15
	MOVQ $const_sysYield, AX
	INT $const_syscallVector
	JMP round

// check compares CX words at SI with R12 (the signature).
TEXT ·check(SB), NOSPLIT|NOFRAME, $0
next:
	MOVL (SI), AX
	CMPL AX, R12
	JNE foreign
	ADDQ $4, SI
	DECQ CX
	JNZ next
	RET
foreign:
	// report(reportForeign, address, value read), then exit(2).
	MOVL AX, DX               // value (zero-extended)
	MOVQ SI, CX               // address
	MOVQ $const_reportForeign, BX
	MOVQ $const_sysReport, AX
	INT $const_syscallVector
	MOVQ $const_sysExit, AX
	MOVQ $2, BX
	INT $const_syscallVector
	JMP foreign               // exit does not return
