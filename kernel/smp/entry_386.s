#include "textflag.h"

// apEntry: from boot/trampoline/ap.S with paging on, the trampoline's flat
// segments, ESP = the stack kernel/smp gave this CPU, EAX = its number.
// SSE is on (CR0 and CR4 as the boot processor has them).
TEXT ·apEntry(SB), NOSPLIT, $0-0
	PUSHL AX
	CALL ·apStart(SB)
halt:
	CLI
	HLT
	JMP halt

TEXT ·apEntryPC(SB), NOSPLIT, $0-4
	MOVL $·apEntry(SB), AX
	MOVL AX, ret+0(FP)
	RET
