#include "textflag.h"

// MOV to/from control registers: Intel SDM Vol. 2B "MOV—Move to/from Control Registers".

TEXT ·ReadCR0(SB), NOSPLIT, $0-4
	MOVL CR0, AX
	MOVL AX, ret+0(FP)
	RET

TEXT ·WriteCR0(SB), NOSPLIT, $0-4
	MOVL v+0(FP), AX
	MOVL AX, CR0
	RET

TEXT ·ReadCR2(SB), NOSPLIT, $0-4
	MOVL CR2, AX
	MOVL AX, ret+0(FP)
	RET

TEXT ·ReadCR3(SB), NOSPLIT, $0-4
	MOVL CR3, AX
	MOVL AX, ret+0(FP)
	RET

TEXT ·WriteCR3(SB), NOSPLIT, $0-4
	MOVL v+0(FP), AX
	MOVL AX, CR3
	RET

TEXT ·ReadCR4(SB), NOSPLIT, $0-4
	MOVL CR4, AX
	MOVL AX, ret+0(FP)
	RET

TEXT ·WriteCR4(SB), NOSPLIT, $0-4
	MOVL v+0(FP), AX
	MOVL AX, CR4
	RET

TEXT ·Invlpg(SB), NOSPLIT, $0-4
	MOVL va+0(FP), AX
	INVLPG (AX)
	RET
