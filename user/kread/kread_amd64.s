// kread for amd64: see main.go. System calls: int $0x80, number in AX,
// arguments in BX, CX.
#include "textflag.h"

#define SYS_EXIT  1	// exit(code)
#define SYS_WRITE 2	// write(buf, len)

#define KERNEL_ADDR 0x100000	// the kernel is linked at 1 MiB

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVQ $SYS_WRITE, AX       // write(before)
	MOVQ ·before(SB), BX
	MOVQ ·before+8(SB), CX
	INT $0x80

	MOVQ $KERNEL_ADDR, BX
	MOVQ (BX), DX             // a user-mode read of a supervisor page: #PF

	MOVQ $SYS_WRITE, AX       // write(after): only if the read did not fault
	MOVQ ·after(SB), BX
	MOVQ ·after+8(SB), CX
	INT $0x80
fail:
	MOVQ $SYS_EXIT, AX        // exit(1)
	MOVQ $1, BX
	INT $0x80
	JMP fail
