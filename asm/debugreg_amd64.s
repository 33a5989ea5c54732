#include "textflag.h"

TEXT ·WriteDR(SB), NOSPLIT, $0-16
	MOVQ n+0(FP), CX
	MOVQ addr+8(FP), AX
	CMPQ CX, $0
	JNE not0
	MOVQ AX, DR0
	RET
not0:
	CMPQ CX, $1
	JNE not1
	BYTE $0x0f; BYTE $0x23; BYTE $0xc8 // MOVQ AX, DR1 (the Go assembler knows only DR0, DR6, DR7)
	RET
not1:
	CMPQ CX, $2
	JNE not2
	BYTE $0x0f; BYTE $0x23; BYTE $0xd0 // MOVQ AX, DR2
	RET
not2:
	BYTE $0x0f; BYTE $0x23; BYTE $0xd8 // MOVQ AX, DR3
	RET

TEXT ·ReadDR6(SB), NOSPLIT, $0-8
	MOVQ DR6, AX
	MOVQ AX, ret+0(FP)
	RET

TEXT ·WriteDR6(SB), NOSPLIT, $0-8
	MOVQ v+0(FP), AX
	MOVQ AX, DR6
	RET

TEXT ·WriteDR7(SB), NOSPLIT, $0-8
	MOVQ v+0(FP), AX
	MOVQ AX, DR7
	RET
