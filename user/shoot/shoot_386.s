// shoot for 386: see main.go and shoot_amd64.s (the same code with 32-bit
// registers: BP holds P, SI the generation).
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVL BX, BP               // BP = P
	MOVL $0, 0(BP)            // generation published
	MOVL $0, 4(BP)            // acknowledged
	MOVL $0, 8(BP)            // rounds
	// clone(reader, P + readerStack, readerCPU, P)
	MOVL $·reader(SB), BX
	LEAL const_readerStack(BP), CX
	MOVL $const_readerCPU, DX
	MOVL BP, SI
	MOVL $const_sysClone, AX
	INT $const_syscallVector
	TESTL AX, AX
	JS fail
	MOVL $0, SI               // SI = g

round:
	INCL SI
	// mmap(probe, page) and write g into it (the first touch maps a frame).
	LEAL const_probeOffset(BP), BX
	MOVL $const_pageSize, CX
	MOVL $const_sysMmap, AX
	INT $const_syscallVector
	TESTL AX, AX
	JS fail
	MOVL SI, const_probeOffset(BP)
	// The previous round's reuse page goes now (its frame is free again).
	CMPL SI, $1
	JEQ publish
	LEAL const_reuseOffset(BP), BX
	MOVL $const_pageSize, CX
	MOVL $const_sysMunmap, AX
	INT $const_syscallVector
publish:
	MOVL SI, 0(BP)
wait:
	CMPL 4(BP), SI
	JEQ acked
	MOVL $const_sysYield, AX
	INT $const_syscallVector
	JMP wait
acked:
	// munmap(probe): every CPU that may cache its translation is flushed
	// (a shootdown), then its frame is freed.
	LEAL const_probeOffset(BP), BX
	MOVL $const_pageSize, CX
	MOVL $const_sysMunmap, AX
	INT $const_syscallVector
	TESTL AX, AX
	JNZ fail
	// mmap(reuse) and poison it: it takes the frame just freed.
	LEAL const_reuseOffset(BP), BX
	MOVL $const_pageSize, CX
	MOVL $const_sysMmap, AX
	INT $const_syscallVector
	TESTL AX, AX
	JS fail
	MOVL SI, AX
	ORL $const_poison, AX
	MOVL AX, const_reuseOffset(BP)
	INCL 8(BP)
	JMP round

fail:
	MOVL $const_sysExit, AX
	MOVL $1, BX
	INT $const_syscallVector
	JMP fail

TEXT ·reader(SB), NOSPLIT|NOFRAME, $0
	MOVL BX, BP               // BP = P
	MOVL $0, SI               // SI = the last generation read
next:
	MOVL 0(BP), DI
	CMPL DI, SI
	JEQ doze
	MOVL const_probeOffset(BP), AX // through this CPU's TLB
	CMPL AX, DI
	JNE stale
	MOVL DI, 4(BP)            // acknowledge
	MOVL DI, SI
doze:
	// sleep(1): this CPU runs its idle task, lazily on this address space.
	MOVL $1, BX
	MOVL $const_sysSleep, AX
	INT $const_syscallVector
	JMP next
stale:
	// report(reportStale, probe address, value read), then exit(3).
	MOVL AX, DX
	LEAL const_probeOffset(BP), CX
	MOVL $const_reportStale, BX
	MOVL $const_sysReport, AX
	INT $const_syscallVector
	MOVL $const_sysExit, AX
	MOVL $3, BX
	INT $const_syscallVector
	JMP stale
