#include "textflag.h"
#include "go_asm.h"

// Byte offsets of the window instructions, checked by the kernel test
// asm.flush_windows (which decodes the bytes) — change them together.
#define LOCAL_READ   0  // MOVQ CR3, AX   (0f 20 d8)
#define LOCAL_WRITE  3  // MOVQ AX, CR3   (0f 22 d8)
#define GLOBAL_READ  18 // after MOVQ cr4+0(FP), CX (5 bytes); MOVQ CX, DX (3); ANDQ $~const_CR4PGE, DX (7); MOVQ DX, CR4 (3)
#define GLOBAL_WRITE 21

TEXT ·FlushTLBRaw(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ CR3, AX
	MOVQ AX, CR3 // the race: preempted right before this, AX is stale
	RET

// Clearing CR4.PGE (asm.CR4PGE) flushes global entries, the CR3 write
// flushes the rest.
TEXT ·FlushTLBGlobalRaw(SB), NOSPLIT|NOFRAME, $0-8
	MOVQ cr4+0(FP), CX
	MOVQ CX, DX
	ANDQ $~const_CR4PGE, DX
	MOVQ DX, CR4
	MOVQ CR3, AX
	MOVQ AX, CR3 // the same window as in FlushTLBRaw
	MOVQ CX, CR4
	RET

TEXT ·flushWindowAddrs(SB), NOSPLIT, $0-32
	MOVQ $·FlushTLBRaw+LOCAL_READ(SB), AX
	MOVQ AX, readLocal+0(FP)
	MOVQ $·FlushTLBRaw+LOCAL_WRITE(SB), AX
	MOVQ AX, writeLocal+8(FP)
	MOVQ $·FlushTLBGlobalRaw+GLOBAL_READ(SB), AX
	MOVQ AX, readGlobal+16(FP)
	MOVQ $·FlushTLBGlobalRaw+GLOBAL_WRITE(SB), AX
	MOVQ AX, writeGlobal+24(FP)
	RET
