#include "textflag.h"

TEXT ·Lgdt(SB), NOSPLIT, $0-4
	MOVL p+0(FP), AX
	LGDT (AX)
	RET

TEXT ·Lidt(SB), NOSPLIT, $0-4
	MOVL p+0(FP), AX
	LIDT (AX)
	RET

TEXT ·Ltr(SB), NOSPLIT, $0-2
	MOVW sel+0(FP), AX
	LTR AX
	RET

// LoadSegments: data selectors first, then GS (whose base is the TLS block
// that compiled Go reads g through), then CS by a far return to our caller.
TEXT ·LoadSegments(SB), NOSPLIT, $0-6
	MOVW data+2(FP), AX
	MOVW AX, DS
	MOVW AX, ES
	MOVW AX, FS
	MOVW AX, SS
	MOVW tls+4(FP), AX
	MOVW AX, GS
	MOVWLZX code+0(FP), AX
	POPL BX
	PUSHL AX
	PUSHL BX
	BYTE $0xCB // LRET: far return pops EIP then CS

TEXT ·LoadDS(SB), NOSPLIT, $0-2
	MOVW sel+0(FP), AX
	MOVW AX, DS
	RET
