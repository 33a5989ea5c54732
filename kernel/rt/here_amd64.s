#include "textflag.h"

// func here() (pc, sp, bp uintptr): 0(SP) is the return address into the
// caller; the caller's stack starts at 8(SP), where the results go, so
// the reported sp is past them (24 bytes above pc+0(FP)). NOFRAME: BP still holds the
// caller's frame pointer, the head of the chain Backtrace walks.
TEXT ·here(SB), NOSPLIT|NOFRAME, $0-24
	MOVQ 0(SP), AX
	MOVQ AX, pc+0(FP)
	LEAQ pc+0(FP), AX
	ADDQ $24, AX
	MOVQ AX, sp+8(FP)
	MOVQ BP, bp+16(FP)
	RET
