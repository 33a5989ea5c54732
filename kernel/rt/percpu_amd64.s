#include "textflag.h"
#include "go_asm.h" // const_CPUSelfOff, const_CPUIndexOff (percpu.go)

// The TLS base is FS's base: BYTE $0x64 is the FS segment-override prefix
// (Intel SDM Vol. 2A §2.1.1), which the Go assembler does not spell; the
// operand that follows is an absolute offset from that base. (TLS) is
// the Go assembler's own name for FS:-8.

TEXT ·ThisCPU(SB), NOSPLIT, $0-8
	BYTE $0x64; MOVQ const_CPUSelfOff, AX
	MOVQ AX, ret+0(FP)
	RET

TEXT ·CPUIndex(SB), NOSPLIT, $0-8
	BYTE $0x64; MOVQ const_CPUIndexOff, AX
	MOVQ AX, ret+0(FP)
	RET

TEXT ·setTLS(SB), NOSPLIT, $0-8
	MOVQ w+0(FP), AX
	MOVQ AX, (TLS)
	RET

TEXT ·getG(SB), NOSPLIT, $0-8
	MOVQ (TLS), AX
	MOVQ AX, ret+0(FP)
	RET
