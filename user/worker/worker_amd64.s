// worker for amd64: see main.go. The kernel keeps every register but AX
// across a system call (int $0x80: number in AX, arguments in BX, CX, DX,
// SI, result in AX).
#include "textflag.h"

#define SYS_EXIT   1	// exit(code)
#define SYS_YIELD  4	// yield()
#define SYS_REPORT 6	// report(kind, addr, value)

#define KIND_FOREIGN 1	// report kind: read another task's signature
#define PRIVATE_WORDS (16*1024)	// 16 pages of 1024 4-byte words
#define SHARED_WORDS 1024	// 1 page
#define YIELD_EVERY 1	// rounds between yields (a power of two)

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVL AX, R12              // R12 = signature 0x5A5A0000 | id
	ANDL $0xFFFF, R12
	ORL $0x5A5A0000, R12
	MOVQ BX, R13              // R13 = private pages
	MOVQ CX, R14              // R14 = shared page
	MOVQ $0, R15              // R15 = round counter
	CLD

round:
	// Fill the private pages, then the shared page, with the signature.
	MOVL R12, AX
	MOVQ R13, DI
	MOVQ $PRIVATE_WORDS, CX
	REP; STOSL                // store AX at DI, CX times
	MOVQ R14, DI
	MOVQ $SHARED_WORDS, CX
	REP; STOSL

	// Read them all back.
	MOVQ R13, SI
	MOVQ $PRIVATE_WORDS, CX
	CALL ·check(SB)
	MOVQ R14, SI
	MOVQ $SHARED_WORDS, CX
	CALL ·check(SB)

	// yield() every YIELD_EVERY rounds, so other workers run (and the
	// kernel switches address spaces often).
	INCQ R15
	TESTQ $(YIELD_EVERY-1), R15
	JNZ round
	MOVQ $SYS_YIELD, AX
	INT $0x80
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
	// report(KIND_FOREIGN, address, value read), then exit(2).
	MOVL AX, DX               // value (zero-extended)
	MOVQ SI, CX               // address
	MOVQ $KIND_FOREIGN, BX
	MOVQ $SYS_REPORT, AX
	INT $0x80
	MOVQ $SYS_EXIT, AX
	MOVQ $2, BX
	INT $0x80
	JMP foreign               // exit does not return
