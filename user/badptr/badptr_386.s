// badptr for 386: see main.go and badptr_amd64.s (the same code; the line
// buffer lives in BP and try takes the label in SI).
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

#define KERNEL_ADDR  0x100000	// the kernel is linked at 1 MiB

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVL BX, BP                     // BP = private VMA; its start is the line buffer

	MOVL $KERNEL_ADDR, BX           // write(kernel address, 16)
	MOVL $16, CX
	MOVL $·labelKernel(SB), SI
	CALL ·try(SB)

	LEAL const_privateSize(BP), BX  // write(first byte after the VMA, 16)
	MOVL $16, CX
	MOVL $·labelUnmapped(SB), SI
	CALL ·try(SB)

	MOVL BP, BX                     // write(private VMA, -1)
	MOVL $-1, CX
	MOVL $·labelHuge(SB), SI
	CALL ·try(SB)

	LEAL (const_privateSize-8)(BP), BX // write(8 bytes before the VMA's end, 16)
	MOVL $16, CX
	MOVL $·labelStraddle(SB), SI
	CALL ·try(SB)

done:
	MOVL $const_sysExit, AX         // exit(0)
	MOVL $0, BX
	INT $const_syscallVector
	JMP done                        // exit does not return

// try calls write(BX, CX) and prints "<label><result>\n", where SI points
// at the label (a Go string: data pointer, length). Clobbers AX-DX, SI, DI.
TEXT ·try(SB), NOSPLIT|NOFRAME, $0
	MOVL $const_sysWrite, AX
	INT $const_syscallVector
	MOVL AX, DX                     // DX = the result

	MOVL 4(SI), CX                  // copy the label to the buffer
	MOVL 0(SI), SI
	MOVL BP, DI
	CLD
	REP; MOVSB
	MOVL DX, AX                     // then the result, in signed decimal
	CMPL AX, $0
	JGE positive
	MOVB $'-', (DI)
	INCL DI
	NEGL AX
positive:
	CALL ·putdec(SB)
	MOVB $'\n', (DI)
	INCL DI

	MOVL $const_sysWrite, AX        // write(buffer, DI-buffer)
	MOVL BP, BX
	MOVL DI, CX
	SUBL BP, CX
	INT $const_syscallVector
	RET

// putdec writes AX as unsigned decimal at DI and advances DI.
// It pushes the digits (last first) and pops them in order. Clobbers AX, BX, CX, DX.
TEXT ·putdec(SB), NOSPLIT|NOFRAME, $0
	MOVL $0, CX                     // CX = number of digits pushed
	MOVL $10, BX
digit:
	MOVL $0, DX
	DIVL BX                         // AX = AX / 10, DX = AX % 10
	ADDL $'0', DX
	PUSHL DX
	INCL CX
	CMPL AX, $0
	JNE digit
store:
	POPL DX
	MOVB DX, (DI)
	INCL DI
	DECL CX
	JNZ store
	RET
