// worker for 386: see main.go and worker_amd64.s (the same code; the
// signature lives in BP, the page addresses on the stack).
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVL AX, BP               // BP = signature 0x5A5A0000 | id
	ANDL $0xFFFF, BP
	ORL $0x5A5A0000, BP
	PUSHL BX                  // 8(SP) = private pages
	PUSHL CX                  // 4(SP) = shared page
	PUSHL $0                  // 0(SP) = rounds done (a debugger's progress mark)
	CLD

round:
	// Fill the private pages, then the shared page, with the signature.
	MOVL BP, AX
	MOVL 8(SP), DI
	MOVL $const_privateWords, CX
	REP; STOSL                // store AX at DI, CX times
	MOVL 4(SP), DI
	MOVL $const_sharedWords, CX
	REP; STOSL

	// Read them all back.
	MOVL 8(SP), SI
	MOVL $const_privateWords, CX
	CALL ·check(SB)
	MOVL 4(SP), SI
	MOVL $const_sharedWords, CX
	CALL ·check(SB)

	// yield() after every round: the watchdog sees progress at a steady
	// pace (a round is ~120,000 instructions), and each yield is one more
	// switch away from this address space.
	INCL 0(SP)
	MOVL $const_sysYield, AX
	INT $const_syscallVector
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
	// report(reportForeign, address, value read), then exit(2).
	MOVL AX, DX               // value
	MOVL SI, CX               // address
	MOVL $const_reportForeign, BX
	MOVL $const_sysReport, AX
	INT $const_syscallVector
	MOVL $const_sysExit, AX
	MOVL $2, BX
	INT $const_syscallVector
	JMP foreign               // exit does not return
