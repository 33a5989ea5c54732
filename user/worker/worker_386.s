// worker for 386: see main.go and worker_amd64.s (the same code; the
// signature lives in BP, the page addresses on the stack).
#include "textflag.h"

#define SYS_EXIT   1	// exit(code)
#define SYS_YIELD  4	// yield()
#define SYS_REPORT 6	// report(kind, addr, value)

#define KIND_FOREIGN 1	// report kind: read another task's signature
#define PRIVATE_WORDS (16*1024)	// 16 pages of 1024 4-byte words
#define SHARED_WORDS 1024	// 1 page
#define YIELD_EVERY 1	// rounds between yields (a power of two)

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVL AX, BP               // BP = signature 0x5A5A0000 | id
	ANDL $0xFFFF, BP
	ORL $0x5A5A0000, BP
	PUSHL BX                  // 8(SP) = private pages
	PUSHL CX                  // 4(SP) = shared page
	PUSHL $0                  // 0(SP) = round counter
	CLD

round:
	// Fill the private pages, then the shared page, with the signature.
	MOVL BP, AX
	MOVL 8(SP), DI
	MOVL $PRIVATE_WORDS, CX
	REP; STOSL                // store AX at DI, CX times
	MOVL 4(SP), DI
	MOVL $SHARED_WORDS, CX
	REP; STOSL

	// Read them all back.
	MOVL 8(SP), SI
	MOVL $PRIVATE_WORDS, CX
	CALL ·check(SB)
	MOVL 4(SP), SI
	MOVL $SHARED_WORDS, CX
	CALL ·check(SB)

	// yield() every YIELD_EVERY rounds.
	INCL 0(SP)
	TESTL $(YIELD_EVERY-1), 0(SP)
	JNZ round
	MOVL $SYS_YIELD, AX
	INT $0x80
	JMP round

// check compares CX words at SI with BP (the signature).
TEXT ·check(SB), NOSPLIT|NOFRAME, $0
next:
	MOVL (SI), AX
	CMPL AX, BP
	JNE foreign
	ADDL $4, SI
	DECL CX
	JNZ next
	RET
foreign:
	// report(KIND_FOREIGN, address, value read), then exit(2).
	MOVL AX, DX               // value
	MOVL SI, CX               // address
	MOVL $KIND_FOREIGN, BX
	MOVL $SYS_REPORT, AX
	INT $0x80
	MOVL $SYS_EXIT, AX
	MOVL $2, BX
	INT $0x80
	JMP foreign               // exit does not return
