#include "textflag.h"
#include "go_asm.h"

// Byte offsets of the window instructions, checked by the kernel test
// asm.flush_windows (which decodes the bytes) — change them together.
#define LOCAL_READ   0  // MOVL CR3, AX   (0f 20 d8)
#define LOCAL_WRITE  3  // MOVL AX, CR3   (0f 22 d8)
#define GLOBAL_READ  15 // after MOVL cr4+0(FP), CX (4 bytes); MOVL CX, DX (2); ANDL $~const_CR4PGE, DX (6); MOVL DX, CR4 (3)
#define GLOBAL_WRITE 18

TEXT ·FlushTLBRaw(SB), NOSPLIT, $0-0
	MOVL CR3, AX
	MOVL AX, CR3 // the race: preempted right before this, AX is stale
	RET

// Clearing CR4.PGE (asm.CR4PGE) flushes global entries, the CR3 write
// flushes the rest.
TEXT ·FlushTLBGlobalRaw(SB), NOSPLIT, $0-4
	MOVL cr4+0(FP), CX
	MOVL CX, DX
	ANDL $~const_CR4PGE, DX
	MOVL DX, CR4
	MOVL CR3, AX
	MOVL AX, CR3 // the same window as in FlushTLBRaw
	MOVL CX, CR4
	RET

TEXT ·flushWindowAddrs(SB), NOSPLIT, $0-16
	MOVL $·FlushTLBRaw+LOCAL_READ(SB), AX
	MOVL AX, readLocal+0(FP)
	MOVL $·FlushTLBRaw+LOCAL_WRITE(SB), AX
	MOVL AX, writeLocal+4(FP)
	MOVL $·FlushTLBGlobalRaw+GLOBAL_READ(SB), AX
	MOVL AX, readGlobal+8(FP)
	MOVL $·FlushTLBGlobalRaw+GLOBAL_WRITE(SB), AX
	MOVL AX, writeGlobal+12(FP)
	RET
