#include "textflag.h"

TEXT ·ImageStart(SB), NOSPLIT, $0-8
	MOVQ $runtime·text(SB), AX
	MOVQ AX, ret+0(FP)
	RET

TEXT ·ImageEnd(SB), NOSPLIT, $0-8
	MOVQ $runtime·end(SB), AX
	MOVQ AX, ret+0(FP)
	RET
