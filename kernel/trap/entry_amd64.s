#include "textflag.h"
#include "go_asm.h" // Frame_*, const_msrFSBase, const_cpu* (entry_amd64.go), const_numVectors

// Interrupt and exception entry for amd64. See doc.go for the shape of it.
//
// Every stub pushes an error code (a dummy 0 where the CPU pushes none,
// Intel SDM Vol. 3A §6.13) and its vector, so all frames look alike.
#define NOERR(n) PUSHQ $0; PUSHQ $n; JMP alltraps<>(SB)
#define ERR(n) PUSHQ $n; JMP alltraps<>(SB)

// alltraps saves the rest of the context, runs dispatch on the interrupt
// stack with the interrupt g, then runs afterTrap (the preemption point) on
// the interrupted stack with the interrupted g, and returns with IRETQ.
TEXT alltraps<>(SB), NOSPLIT|NOFRAME, $0-0
	// The direction flag: ring 3 may set it (STD) and an interrupt gate
	// does not clear it (Intel SDM Vol. 3A §6.12.1.3 clears TF, VM, RF,
	// NT and IF only), yet compiled Go assumes DF = 0 — its REP STOS and
	// REP MOVS (the page-table zeroing inlined in mm.walk and MapZeroed,
	// memmove, and on 386 every duffzero and duffcopy) would run
	// backwards, wiping the memory *below* their target. Found by the
	// fuzzer (workload=fuzz): STD, then touch a new page. IRET restores
	// the task's own DF from the frame.
	CLD
	PUSHQ AX
	PUSHQ CX
	PUSHQ DX
	PUSHQ BX
	PUSHQ BP
	PUSHQ SI
	PUSHQ DI
	PUSHQ R8
	PUSHQ R9
	PUSHQ R10
	PUSHQ R11
	PUSHQ R12
	PUSHQ R13
	PUSHQ R14
	PUSHQ R15
	MOVQ SP, BX              // BX = *Frame

	// From ring 3, FS may hold anything the user loaded: point its base back
	// at this CPU's TLS block before any Go code reads g through it. Which
	// CPU? The one whose GDT is loaded: SGDT (unprivileged, untouchable
	// from ring 3) gives its address inside this CPU's rt.CPU.
	MOVQ Frame_CS(BX), AX
	ANDQ $3, AX
	JZ   fsok
	SUBQ $16, SP
	BYTE $0x0f; BYTE $0x01; BYTE $0x04; BYTE $0x24 // SGDT (SP): limit (2 bytes), base (8)
	MOVQ 2(SP), AX
	ADDQ $16, SP
	SUBQ $const_cpuGDTOff, AX                         // this CPU's TLS base
	MOVQ AX, DX
	SHRQ $32, DX
	MOVL $const_msrFSBase, CX
	WRMSR
fsok:

	// x87/SSE state: Go code in the handlers and in the next task uses SSE.
	MOVQ SP, BP
	SUBQ $512, SP
	ANDQ $~15, SP
	FXSAVE64 (SP)
	PUSHQ BP                 // 0(SP) = frame, 8(SP) = FXSAVE area
	PUSHQ BP                 // keep 16-byte alignment: FXRSTOR finds its area at 16(SP)
	MOVQ SP, SI              // SI = interrupted stack, fully saved

	// This CPU's block (kernel/rt/percpu.go) through FS, whose base is its
	// TLS block; BYTE $0x64 is the FS segment-override prefix, (TLS) is FS:-8.
	MOVQ (TLS), DI                         // DI = interrupted g
	BYTE $0x64; MOVQ const_cpuIntrLo, AX
	CMPQ SP, AX
	JCS  switch
	BYTE $0x64; MOVQ const_cpuIntrHi, AX
	CMPQ SP, AX
	JCS  onstack
switch:
	BYTE $0x64; MOVQ const_cpuIntrHi, SP
onstack:
	PUSHQ SI
	PUSHQ DI
	BYTE $0x64; MOVQ const_cpuIntrG, AX    // handlers run with this CPU's interrupt g
	MOVQ AX, (TLS)
	PUSHQ DI                 // dispatch(f *Frame, g *rt.G)
	PUSHQ BX
	CALL ·dispatch(SB)
	ADDQ $16, SP
	POPQ DI
	POPQ SI
	MOVQ DI, (TLS)
	MOVQ SI, SP

	// Preemption point, on the interrupted task's own stack: the scheduler
	// may switch away here and come back much later.
	MOVQ 0(SP), BX
	PUSHQ BX
	PUSHQ BX
	CALL ·afterTrap(SB)
	POPQ BX
	POPQ BX

	FXRSTOR64 16(SP)
	MOVQ 0(SP), SP
	POPQ R15
	POPQ R14
	POPQ R13
	POPQ R12
	POPQ R11
	POPQ R10
	POPQ R9
	POPQ R8
	POPQ DI
	POPQ SI
	POPQ BP
	POPQ BX
	POPQ DX
	POPQ CX
	POPQ AX
	ADDQ $(Frame_IP-Frame_Vector), SP // vector, error code
	IRETQ

// StubAddr returns the entry stub for vector v, or 0.
TEXT ·stubAddr(SB), NOSPLIT, $0-16
	MOVQ v+0(FP), AX
	MOVQ $vectorTable<>(SB), CX
	MOVQ (CX)(AX*8), AX
	MOVQ AX, ret+8(FP)
	RET

TEXT vec0<>(SB), NOSPLIT, $0-0
	NOERR(0)

TEXT vec1<>(SB), NOSPLIT, $0-0
	NOERR(1)

TEXT vec2<>(SB), NOSPLIT, $0-0
	NOERR(2)

TEXT vec3<>(SB), NOSPLIT, $0-0
	NOERR(3)

TEXT vec4<>(SB), NOSPLIT, $0-0
	NOERR(4)

TEXT vec5<>(SB), NOSPLIT, $0-0
	NOERR(5)

TEXT vec6<>(SB), NOSPLIT, $0-0
	NOERR(6)

TEXT vec7<>(SB), NOSPLIT, $0-0
	NOERR(7)

TEXT vec8<>(SB), NOSPLIT, $0-0
	ERR(8)

TEXT vec9<>(SB), NOSPLIT, $0-0
	NOERR(9)

TEXT vec10<>(SB), NOSPLIT, $0-0
	ERR(10)

TEXT vec11<>(SB), NOSPLIT, $0-0
	ERR(11)

TEXT vec12<>(SB), NOSPLIT, $0-0
	ERR(12)

TEXT vec13<>(SB), NOSPLIT, $0-0
	ERR(13)

TEXT vec14<>(SB), NOSPLIT, $0-0
	ERR(14)

TEXT vec15<>(SB), NOSPLIT, $0-0
	NOERR(15)

TEXT vec16<>(SB), NOSPLIT, $0-0
	NOERR(16)

TEXT vec17<>(SB), NOSPLIT, $0-0
	ERR(17)

TEXT vec18<>(SB), NOSPLIT, $0-0
	NOERR(18)

TEXT vec19<>(SB), NOSPLIT, $0-0
	NOERR(19)

TEXT vec20<>(SB), NOSPLIT, $0-0
	NOERR(20)

TEXT vec21<>(SB), NOSPLIT, $0-0
	ERR(21)

TEXT vec22<>(SB), NOSPLIT, $0-0
	NOERR(22)

TEXT vec23<>(SB), NOSPLIT, $0-0
	NOERR(23)

TEXT vec24<>(SB), NOSPLIT, $0-0
	NOERR(24)

TEXT vec25<>(SB), NOSPLIT, $0-0
	NOERR(25)

TEXT vec26<>(SB), NOSPLIT, $0-0
	NOERR(26)

TEXT vec27<>(SB), NOSPLIT, $0-0
	NOERR(27)

TEXT vec28<>(SB), NOSPLIT, $0-0
	NOERR(28)

TEXT vec29<>(SB), NOSPLIT, $0-0
	ERR(29)

TEXT vec30<>(SB), NOSPLIT, $0-0
	ERR(30)

TEXT vec31<>(SB), NOSPLIT, $0-0
	NOERR(31)

TEXT vec32<>(SB), NOSPLIT, $0-0
	NOERR(32)

TEXT vec33<>(SB), NOSPLIT, $0-0
	NOERR(33)

TEXT vec34<>(SB), NOSPLIT, $0-0
	NOERR(34)

TEXT vec35<>(SB), NOSPLIT, $0-0
	NOERR(35)

TEXT vec36<>(SB), NOSPLIT, $0-0
	NOERR(36)

TEXT vec37<>(SB), NOSPLIT, $0-0
	NOERR(37)

TEXT vec38<>(SB), NOSPLIT, $0-0
	NOERR(38)

TEXT vec39<>(SB), NOSPLIT, $0-0
	NOERR(39)

TEXT vec40<>(SB), NOSPLIT, $0-0
	NOERR(40)

TEXT vec41<>(SB), NOSPLIT, $0-0
	NOERR(41)

TEXT vec42<>(SB), NOSPLIT, $0-0
	NOERR(42)

TEXT vec43<>(SB), NOSPLIT, $0-0
	NOERR(43)

TEXT vec44<>(SB), NOSPLIT, $0-0
	NOERR(44)

TEXT vec45<>(SB), NOSPLIT, $0-0
	NOERR(45)

TEXT vec46<>(SB), NOSPLIT, $0-0
	NOERR(46)

TEXT vec47<>(SB), NOSPLIT, $0-0
	NOERR(47)

TEXT vecSyscall<>(SB), NOSPLIT, $0-0
	NOERR(const_VecSyscall)

TEXT vecResched<>(SB), NOSPLIT, $0-0
	NOERR(const_VecResched)

TEXT vecInvalidate<>(SB), NOSPLIT, $0-0
	NOERR(const_VecInvalidate)

TEXT vecSpurious<>(SB), NOSPLIT, $0-0
	NOERR(const_VecSpurious)


// vectorTable[v] is the address of the stub for vector v (0 = no stub).
DATA vectorTable<>+0(SB)/8, $vec0<>(SB)
DATA vectorTable<>+8(SB)/8, $vec1<>(SB)
DATA vectorTable<>+16(SB)/8, $vec2<>(SB)
DATA vectorTable<>+24(SB)/8, $vec3<>(SB)
DATA vectorTable<>+32(SB)/8, $vec4<>(SB)
DATA vectorTable<>+40(SB)/8, $vec5<>(SB)
DATA vectorTable<>+48(SB)/8, $vec6<>(SB)
DATA vectorTable<>+56(SB)/8, $vec7<>(SB)
DATA vectorTable<>+64(SB)/8, $vec8<>(SB)
DATA vectorTable<>+72(SB)/8, $vec9<>(SB)
DATA vectorTable<>+80(SB)/8, $vec10<>(SB)
DATA vectorTable<>+88(SB)/8, $vec11<>(SB)
DATA vectorTable<>+96(SB)/8, $vec12<>(SB)
DATA vectorTable<>+104(SB)/8, $vec13<>(SB)
DATA vectorTable<>+112(SB)/8, $vec14<>(SB)
DATA vectorTable<>+120(SB)/8, $vec15<>(SB)
DATA vectorTable<>+128(SB)/8, $vec16<>(SB)
DATA vectorTable<>+136(SB)/8, $vec17<>(SB)
DATA vectorTable<>+144(SB)/8, $vec18<>(SB)
DATA vectorTable<>+152(SB)/8, $vec19<>(SB)
DATA vectorTable<>+160(SB)/8, $vec20<>(SB)
DATA vectorTable<>+168(SB)/8, $vec21<>(SB)
DATA vectorTable<>+176(SB)/8, $vec22<>(SB)
DATA vectorTable<>+184(SB)/8, $vec23<>(SB)
DATA vectorTable<>+192(SB)/8, $vec24<>(SB)
DATA vectorTable<>+200(SB)/8, $vec25<>(SB)
DATA vectorTable<>+208(SB)/8, $vec26<>(SB)
DATA vectorTable<>+216(SB)/8, $vec27<>(SB)
DATA vectorTable<>+224(SB)/8, $vec28<>(SB)
DATA vectorTable<>+232(SB)/8, $vec29<>(SB)
DATA vectorTable<>+240(SB)/8, $vec30<>(SB)
DATA vectorTable<>+248(SB)/8, $vec31<>(SB)
DATA vectorTable<>+256(SB)/8, $vec32<>(SB)
DATA vectorTable<>+264(SB)/8, $vec33<>(SB)
DATA vectorTable<>+272(SB)/8, $vec34<>(SB)
DATA vectorTable<>+280(SB)/8, $vec35<>(SB)
DATA vectorTable<>+288(SB)/8, $vec36<>(SB)
DATA vectorTable<>+296(SB)/8, $vec37<>(SB)
DATA vectorTable<>+304(SB)/8, $vec38<>(SB)
DATA vectorTable<>+312(SB)/8, $vec39<>(SB)
DATA vectorTable<>+320(SB)/8, $vec40<>(SB)
DATA vectorTable<>+328(SB)/8, $vec41<>(SB)
DATA vectorTable<>+336(SB)/8, $vec42<>(SB)
DATA vectorTable<>+344(SB)/8, $vec43<>(SB)
DATA vectorTable<>+352(SB)/8, $vec44<>(SB)
DATA vectorTable<>+360(SB)/8, $vec45<>(SB)
DATA vectorTable<>+368(SB)/8, $vec46<>(SB)
DATA vectorTable<>+376(SB)/8, $vec47<>(SB)
DATA vectorTable<>+(const_VecSyscall*8)(SB)/8, $vecSyscall<>(SB)
DATA vectorTable<>+(const_VecResched*8)(SB)/8, $vecResched<>(SB)
DATA vectorTable<>+(const_VecInvalidate*8)(SB)/8, $vecInvalidate<>(SB)
DATA vectorTable<>+(const_VecSpurious*8)(SB)/8, $vecSpurious<>(SB)
GLOBL vectorTable<>(SB), RODATA, $(const_numVectors*8)
