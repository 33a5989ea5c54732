#include "textflag.h"

TEXT ·ImageStart(SB), NOSPLIT, $0-4
	MOVL $runtime·text(SB), AX
	MOVL AX, ret+0(FP)
	RET

TEXT ·ImageEnd(SB), NOSPLIT, $0-4
	MOVL $runtime·end(SB), AX
	MOVL AX, ret+0(FP)
	RET
