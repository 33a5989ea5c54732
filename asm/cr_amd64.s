#include "textflag.h"

// MOV to/from control registers: Intel SDM Vol. 2B "MOV—Move to/from Control Registers".

TEXT ·ReadCR0(SB), NOSPLIT, $0-8
	MOVQ CR0, AX
	MOVQ AX, ret+0(FP)
	RET

TEXT ·WriteCR0(SB), NOSPLIT, $0-8
	MOVQ v+0(FP), AX
	MOVQ AX, CR0
	RET

TEXT ·ReadCR2(SB), NOSPLIT, $0-8
	MOVQ CR2, AX
	MOVQ AX, ret+0(FP)
	RET

TEXT ·ReadCR3(SB), NOSPLIT, $0-8
	MOVQ CR3, AX
	MOVQ AX, ret+0(FP)
	RET

TEXT ·WriteCR3(SB), NOSPLIT, $0-8
	MOVQ v+0(FP), AX
	MOVQ AX, CR3
	RET

TEXT ·ReadCR4(SB), NOSPLIT, $0-8
	MOVQ CR4, AX
	MOVQ AX, ret+0(FP)
	RET

TEXT ·WriteCR4(SB), NOSPLIT, $0-8
	MOVQ v+0(FP), AX
	MOVQ AX, CR4
	RET

TEXT ·Invlpg(SB), NOSPLIT, $0-8
	MOVQ va+0(FP), AX
	INVLPG (AX)
	RET
