// badptr for amd64: see main.go. The kernel keeps every register but AX
// across a system call (int $0x80: number in AX, arguments in BX, CX, DX,
// SI, result in AX).
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

#define KERNEL_ADDR  0x100000	// the kernel is linked at 1 MiB

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVQ BX, R13                    // R13 = private VMA; its start is the line buffer

	MOVQ $KERNEL_ADDR, BX           // write(kernel address, 16)
	MOVQ $16, CX
	LEAQ ·labelKernel(SB), R14
	CALL ·try(SB)

	LEAQ const_privateSize(R13), BX // write(first byte after the VMA, 16)
	MOVQ $16, CX
	LEAQ ·labelUnmapped(SB), R14
	CALL ·try(SB)

	MOVQ R13, BX                    // write(private VMA, -1)
	MOVQ $-1, CX
	LEAQ ·labelHuge(SB), R14
	CALL ·try(SB)

	LEAQ (const_privateSize-8)(R13), BX // write(8 bytes before the VMA's end, 16)
	MOVQ $16, CX
	LEAQ ·labelStraddle(SB), R14
	CALL ·try(SB)

done:
	MOVQ $const_sysExit, AX         // exit(0)
	MOVQ $0, BX
	INT $const_syscallVector
	JMP done                        // exit does not return

// try calls write(BX, CX) and prints "<label><result>\n", where R14 points
// at the label (a Go string: data pointer, length). Clobbers AX-DX, SI, DI, R15.
TEXT ·try(SB), NOSPLIT|NOFRAME, $0
	MOVQ $const_sysWrite, AX
	INT $const_syscallVector
	MOVQ AX, R15                    // R15 = the result

	MOVQ 0(R14), SI                 // copy the label to the buffer
	MOVQ 8(R14), CX
	MOVQ R13, DI
	CLD
	REP; MOVSB
	MOVQ R15, AX                    // then the result, in signed decimal
	CMPQ AX, $0
	JGE positive
	MOVB $'-', (DI)
	INCQ DI
	NEGQ AX
positive:
	CALL ·putdec(SB)
	MOVB $'\n', (DI)
	INCQ DI

	MOVQ $const_sysWrite, AX        // write(buffer, DI-buffer)
	MOVQ R13, BX
	MOVQ DI, CX
	SUBQ R13, CX
	INT $const_syscallVector
	RET

// putdec writes AX as unsigned decimal at DI and advances DI.
// It pushes the digits (last first) and pops them in order. Clobbers AX, BX, CX, DX.
TEXT ·putdec(SB), NOSPLIT|NOFRAME, $0
	MOVQ $0, CX                     // CX = number of digits pushed
	MOVQ $10, BX
digit:
	MOVQ $0, DX
	DIVQ BX                         // AX = AX / 10, DX = AX % 10
	ADDQ $'0', DX
	PUSHQ DX
	INCQ CX
	CMPQ AX, $0
	JNE digit
store:
	POPQ DX
	MOVB DX, (DI)
	INCQ DI
	DECQ CX
	JNZ store
	RET
