#include "textflag.h"

// Switch(save *uintptr, nextSP, nextTLS uintptr). Go's 386 ABI0 has no
// callee-saved registers, so SP (with the return address on top) and BP
// are all there is to save. The TLS slot, GS:0 (kernel/rt/percpu.go),
// tells compiled Go where the current g is; nextTLS is rt.TLSWord of the
// next task's g. BYTE $0x65 is the GS segment-override prefix.
TEXT ·Switch(SB), NOSPLIT, $0-12
	MOVL save+0(FP), AX
	MOVL nextSP+4(FP), CX
	MOVL nextTLS+8(FP), DX
	PUSHL BP
	MOVL SP, (AX)
	MOVL CX, SP
	BYTE $0x65; MOVL DX, 0
	POPL BP
	RET

// threadStart is where a new task's first Switch returns to: its stack was
// prepared with the Go function to run (ABI0, no arguments) on top.
TEXT threadStart<>(SB), NOSPLIT, $0-0
	POPL AX
	CALL AX
	// The task function never returns (it exits through the scheduler).
	INT $3

TEXT ·ThreadStartPC(SB), NOSPLIT, $0-4
	MOVL $threadStart<>(SB), AX
	MOVL AX, ret+0(FP)
	RET

// EnterUser builds the frame IRET pops when it changes privilege (Intel SDM
// Vol. 3A §6.12.1, Figure 6-4) and executes IRET.
TEXT ·EnterUser(SB), NOSPLIT, $0-32
	MOVL ss+12(FP), AX
	MOVW AX, DS
	MOVW AX, ES
	MOVW AX, FS
	MOVW AX, GS
	MOVL ip+0(FP), SI
	MOVL sp+4(FP), DI
	MOVL cs+8(FP), BX
	MOVL flags+16(FP), DX
	PUSHL AX  // SS
	PUSHL DI  // ESP
	PUSHL DX  // EFLAGS
	PUSHL BX  // CS
	PUSHL SI  // EIP
	MOVL a0+20(FP), AX
	MOVL a1+24(FP), BX
	MOVL a2+28(FP), CX
	XORL DX, DX
	XORL SI, SI
	XORL DI, DI
	XORL BP, BP
	IRETL
