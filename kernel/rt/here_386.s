#include "textflag.h"

// func here() (pc, sp, bp uintptr): 0(SP) is the return address into the
// caller; the caller's stack starts at 4(SP), where the results go, so
// the reported sp is past them (12 bytes above pc+0(FP)). 386 code keeps no frame
// pointers: Backtrace scans the stack instead, and bp is only reported.
TEXT ·here(SB), NOSPLIT, $0-12
	MOVL 0(SP), AX
	MOVL AX, pc+0(FP)
	LEAL pc+0(FP), AX
	ADDL $12, AX
	MOVL AX, sp+4(FP)
	MOVL BP, bp+8(FP)
	RET
