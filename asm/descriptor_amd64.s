#include "textflag.h"

TEXT ·Lgdt(SB), NOSPLIT, $0-8
	MOVQ p+0(FP), AX
	LGDT (AX)
	RET

TEXT ·Lidt(SB), NOSPLIT, $0-8
	MOVQ p+0(FP), AX
	LIDT (AX)
	RET

TEXT ·Ltr(SB), NOSPLIT, $0-2
	MOVW sel+0(FP), AX
	LTR AX
	RET

// LoadSegments: data selectors, then CS by a 64-bit far return. FS and GS
// keep their bases (set through MSRs); tls is unused on amd64.
TEXT ·LoadSegments(SB), NOSPLIT, $0-6
	MOVW data+2(FP), AX
	MOVW AX, DS
	MOVW AX, ES
	MOVW AX, SS
	MOVWQZX code+0(FP), AX
	POPQ BX
	PUSHQ AX
	PUSHQ BX
	BYTE $0x48; BYTE $0xCB // REX.W LRET: far return pops RIP then CS

TEXT ·LoadDS(SB), NOSPLIT, $0-2
	MOVW sel+0(FP), AX
	MOVW AX, DS
	RET
