// shoot for amd64: see main.go. The kernel keeps every register but AX
// across a system call (int $0x80: number in AX, arguments in BX, CX, DX,
// SI, result in AX).
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVQ BX, R13              // R13 = P
	MOVL $0, 0(R13)           // generation published
	MOVL $0, 4(R13)           // acknowledged
	MOVL $0, 8(R13)           // rounds
	// clone(reader, P + readerStack, readerCPU, P)
	MOVQ $·reader(SB), BX
	LEAQ const_readerStack(R13), CX
	MOVQ $const_readerCPU, DX
	MOVQ R13, SI
	MOVQ $const_sysClone, AX
	INT $const_syscallVector
	TESTQ AX, AX
	JS fail
	MOVL $0, R12              // R12 = g

round:
	INCL R12
	// mmap(probe, page) and write g into it (the first touch maps a frame).
	LEAQ const_probeOffset(R13), BX
	MOVQ $const_pageSize, CX
	MOVQ $const_sysMmap, AX
	INT $const_syscallVector
	TESTQ AX, AX
	JS fail
	MOVL R12, const_probeOffset(R13)
	// The previous round's reuse page goes now (its frame is free again).
	CMPL R12, $1
	JEQ publish
	LEAQ const_reuseOffset(R13), BX
	MOVQ $const_pageSize, CX
	MOVQ $const_sysMunmap, AX
	INT $const_syscallVector
publish:
	MOVL R12, 0(R13)
wait:
	CMPL 4(R13), R12
	JEQ acked
	MOVQ $const_sysYield, AX
	INT $const_syscallVector
	JMP wait
acked:
	// munmap(probe): every CPU that may cache its translation is flushed
	// (a shootdown), then its frame is freed.
	LEAQ const_probeOffset(R13), BX
	MOVQ $const_pageSize, CX
	MOVQ $const_sysMunmap, AX
	INT $const_syscallVector
	TESTQ AX, AX
	JNZ fail
	// mmap(reuse) and poison it: it takes the frame just freed.
	LEAQ const_reuseOffset(R13), BX
	MOVQ $const_pageSize, CX
	MOVQ $const_sysMmap, AX
	INT $const_syscallVector
	TESTQ AX, AX
	JS fail
	MOVL R12, AX
	ORL $const_poison, AX
	MOVL AX, const_reuseOffset(R13)
	INCL 8(R13)
	JMP round

fail:
	MOVQ $const_sysExit, AX
	MOVQ $1, BX
	INT $const_syscallVector
	JMP fail

TEXT ·reader(SB), NOSPLIT|NOFRAME, $0
	MOVQ BX, R13              // R13 = P
	MOVL $0, R12              // R12 = the last generation read
next:
	MOVL 0(R13), DI
	CMPL DI, R12
	JEQ doze
	MOVL const_probeOffset(R13), AX // through this CPU's TLB
	CMPL AX, DI
	JNE stale
	MOVL DI, 4(R13)           // acknowledge
	MOVL DI, R12
doze:
	// sleep(1): this CPU runs its idle task, lazily on this address space.
	MOVQ $1, BX
	MOVQ $const_sysSleep, AX
	INT $const_syscallVector
	JMP next
stale:
	// report(reportStale, probe address, value read), then exit(3).
	MOVL AX, DX
	LEAQ const_probeOffset(R13), CX
	MOVQ $const_reportStale, BX
	MOVQ $const_sysReport, AX
	INT $const_syscallVector
	MOVQ $const_sysExit, AX
	MOVQ $3, BX
	INT $const_syscallVector
	JMP stale
