#include "textflag.h"

// Switch(save *uintptr, nextSP, nextTLS uintptr). Go's ABI0 has no
// callee-saved registers but the frame pointer BP; R14 (g in ABIInternal)
// is reloaded from the TLS slot, FS:-8 ((TLS) in Go assembly; this CPU's
// rt.CPU.G, kernel/rt/percpu.go), by the caller's ABI wrapper after this
// returns, so rewriting the slot switches g. nextTLS is rt.TLSWord of the
// next task's g: on amd64 the g itself.
TEXT ·Switch(SB), NOSPLIT|NOFRAME, $0-24
	MOVQ save+0(FP), AX
	MOVQ nextSP+8(FP), CX
	MOVQ nextTLS+16(FP), DX
	PUSHQ BP
	MOVQ SP, (AX)
	MOVQ CX, SP
	MOVQ DX, (TLS)
	MOVQ DX, R14
	POPQ BP
	RET

// threadStart is where a new task's first Switch returns to: its stack was
// prepared with the Go function to run (ABI0, no arguments) on top.
// The function is a Go (ABIInternal) function without arguments: it
// expects g in R14 (Switch set it) and X15 zero.
TEXT threadStart<>(SB), NOSPLIT|NOFRAME, $0-0
	POPQ AX
	XORPS X15, X15
	CALL AX
	// The task function never returns (it exits through the scheduler).
	INT $3

TEXT ·ThreadStartPC(SB), NOSPLIT, $0-8
	MOVQ $threadStart<>(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// EnterUser builds the frame IRETQ pops (Intel SDM Vol. 3A §6.14.4,
// Figure 6-9) and executes IRETQ.
TEXT ·EnterUser(SB), NOSPLIT|NOFRAME, $0-64
	MOVQ ip+0(FP), SI
	MOVQ sp+8(FP), DI
	MOVQ cs+16(FP), BX
	MOVQ ss+24(FP), AX
	MOVQ flags+32(FP), DX
	MOVW AX, DS
	MOVW AX, ES
	PUSHQ AX  // SS
	PUSHQ DI  // RSP
	PUSHQ DX  // RFLAGS
	PUSHQ BX  // CS
	PUSHQ SI  // RIP
	MOVQ a0+40(FP), AX
	MOVQ a1+48(FP), BX
	MOVQ a2+56(FP), CX
	XORQ DX, DX
	XORQ SI, SI
	XORQ DI, DI
	BYTE $0x31; BYTE $0xED // XORL BP, BP: no kernel pointer leaks to ring 3 (spelled in bytes: vet forbids clobbering BP, but this function never returns)
	XORQ R8, R8
	XORQ R9, R9
	XORQ R10, R10
	XORQ R11, R11
	XORQ R12, R12
	XORQ R13, R13
	XORQ R14, R14
	XORQ R15, R15
	IRETQ
