#include "textflag.h"
#include "go_asm.h" // const_CPUSelfOff, const_CPUIndexOff (percpu.go)

// The TLS base is GS's base: BYTE $0x65 is the GS segment-override prefix
// (Intel SDM Vol. 2A §2.1.1), which the Go assembler does not spell; the
// operand that follows is an absolute offset from that base.

TEXT ·ThisCPU(SB), NOSPLIT, $0-4
	BYTE $0x65; MOVL const_CPUSelfOff, AX
	MOVL AX, ret+0(FP)
	RET

TEXT ·CPUIndex(SB), NOSPLIT, $0-4
	BYTE $0x65; MOVL const_CPUIndexOff, AX
	MOVL AX, ret+0(FP)
	RET

TEXT ·setTLS(SB), NOSPLIT, $0-4
	MOVL w+0(FP), AX
	BYTE $0x65; MOVL AX, 0
	RET

// getG: the two loads compiled code does (see percpu.go).
TEXT ·getG(SB), NOSPLIT, $0-4
	BYTE $0x65; MOVL 0, AX
	MOVL -4(AX), AX
	MOVL AX, ret+0(FP)
	RET
