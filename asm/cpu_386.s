#include "textflag.h"

TEXT ·Cli(SB), NOSPLIT, $0-0
	CLI
	RET

TEXT ·Sti(SB), NOSPLIT, $0-0
	STI
	RET

TEXT ·Hlt(SB), NOSPLIT, $0-0
	HLT
	RET

TEXT ·Pause(SB), NOSPLIT, $0-0
	PAUSE
	RET

TEXT ·SaveFlagsCli(SB), NOSPLIT, $0-4
	PUSHFL
	POPL AX
	CLI
	MOVL AX, ret+0(FP)
	RET

TEXT ·RestoreFlags(SB), NOSPLIT, $0-4
	MOVL flags+0(FP), AX
	PUSHL AX
	POPFL
	RET

TEXT ·Flags(SB), NOSPLIT, $0-4
	PUSHFL
	POPL AX
	MOVL AX, ret+0(FP)
	RET

TEXT ·Rdtsc(SB), NOSPLIT, $0-8
	RDTSC
	MOVL AX, ret_lo+0(FP)
	MOVL DX, ret_hi+4(FP)
	RET

TEXT ·Cpuid(SB), NOSPLIT, $0-24
	MOVL eax+0(FP), AX
	MOVL ecx+4(FP), CX
	CPUID
	MOVL AX, a+8(FP)
	MOVL BX, b+12(FP)
	MOVL CX, c+16(FP)
	MOVL DX, d+20(FP)
	RET

TEXT ·Rdmsr(SB), NOSPLIT, $0-12
	MOVL msr+0(FP), CX
	RDMSR
	MOVL AX, ret_lo+4(FP)
	MOVL DX, ret_hi+8(FP)
	RET

TEXT ·Wrmsr(SB), NOSPLIT, $0-12
	MOVL msr+0(FP), CX
	MOVL v_lo+4(FP), AX
	MOVL v_hi+8(FP), DX
	WRMSR
	RET

TEXT ·Ud2(SB), NOSPLIT, $0-0
	UD2
	RET

TEXT ·Int3(SB), NOSPLIT, $0-0
	INT $3
	RET

TEXT ·StiHlt(SB), NOSPLIT, $0-0
	STI
	HLT
	RET

TEXT ·ExhaustStack(SB), NOSPLIT, $0-0
again:
	PUSHL AX
	JMP again
