#include "textflag.h"

// The double-fault task starts here, on the double-fault stack, with the
// registers of its TSS (interrupts off, GS = the TLS segment).
TEXT ·doubleFaultEntry(SB), NOSPLIT, $0-0
	// A task switch sets CR0.TS, and compiled Go uses SSE: clear it, or
	// the first SSE instruction raises #NM (SDM Vol. 3A §2.5, CR0.TS).
	BYTE $0x0f; BYTE $0x06 // CLTS
	CALL ·doubleFaultSwitch(SB) // reports and stops
hang:
	CLI
	HLT
	JMP hang

TEXT ·doubleFaultEntryPC(SB), NOSPLIT, $0-4
	MOVL $·doubleFaultEntry(SB), AX
	MOVL AX, ret+0(FP)
	RET
