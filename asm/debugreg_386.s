#include "textflag.h"

TEXT ·WriteDR(SB), NOSPLIT, $0-8
	MOVL n+0(FP), CX
	MOVL addr+4(FP), AX
	CMPL CX, $0
	JNE not0
	MOVL AX, DR0
	RET
not0:
	CMPL CX, $1
	JNE not1
	BYTE $0x0f; BYTE $0x23; BYTE $0xc8 // MOVL AX, DR1 (the Go 386 assembler knows only DR0, DR6, DR7)
	RET
not1:
	CMPL CX, $2
	JNE not2
	BYTE $0x0f; BYTE $0x23; BYTE $0xd0 // MOVL AX, DR2
	RET
not2:
	BYTE $0x0f; BYTE $0x23; BYTE $0xd8 // MOVL AX, DR3
	RET

TEXT ·ReadDR6(SB), NOSPLIT, $0-4
	MOVL DR6, AX
	MOVL AX, ret+0(FP)
	RET

TEXT ·WriteDR6(SB), NOSPLIT, $0-4
	MOVL v+0(FP), AX
	MOVL AX, DR6
	RET

TEXT ·WriteDR7(SB), NOSPLIT, $0-4
	MOVL v+0(FP), AX
	MOVL AX, DR7
	RET
