#include "textflag.h"
#include "go_asm.h" // Frame_*, const_kernelDS, const_tlsSel, const_cpu* (entry_386.go), const_numVectors

// Interrupt and exception entry for 386. See doc.go for the shape of it.
//
// Every stub pushes an error code (a dummy 0 where the CPU pushes none,
// Intel SDM Vol. 3A §6.13) and its vector, so all frames look alike.
#define NOERR(n) PUSHL $0; PUSHL $n; JMP alltraps<>(SB)
#define ERR(n) PUSHL $n; JMP alltraps<>(SB)

// alltraps saves the rest of the context, runs dispatch on the interrupt
// stack with the interrupt g, then runs afterTrap (the preemption point) on
// the interrupted stack with the interrupted g, and returns with IRET.
TEXT alltraps<>(SB), NOSPLIT, $0-0
	// The direction flag: ring 3 may set it (STD) and an interrupt gate
	// does not clear it (Intel SDM Vol. 3A §6.12.1.3 clears TF, VM, RF,
	// NT and IF only), yet compiled Go assumes DF = 0 — its REP STOS and
	// REP MOVS (the page-table zeroing inlined in mm.walk and MapZeroed,
	// memmove, and on 386 every duffzero and duffcopy) would run
	// backwards, wiping the memory *below* their target. Found by the
	// fuzzer (workload=fuzz): STD, then touch a new page. IRET restores
	// the task's own DF from the frame.
	CLD
	PUSHAL
	PUSHL DS
	PUSHL ES
	PUSHL FS
	PUSHL GS
	MOVL $const_kernelDS, AX
	MOVW AX, DS
	MOVW AX, ES
	MOVW AX, FS
	MOVL $const_tlsSel, AX
	MOVW AX, GS              // compiled Go finds g through GS (kernel/rt/g.go)
	MOVL SP, BX              // BX = *Frame

	// x87/SSE state: Go code in the handlers and in the next task uses SSE.
	MOVL SP, BP
	SUBL $512, SP
	ANDL $~15, SP
	FXSAVE (SP)
	PUSHL BP                 // 0(SP) = frame, 4(SP) = FXSAVE area
	MOVL SP, SI              // SI = interrupted stack, fully saved

	// This CPU's block (kernel/rt/percpu.go) through GS, whose base is its
	// TLS block; BYTE $0x65 is the GS segment-override prefix.
	BYTE $0x65; MOVL 0, AX               // the TLS slot: the anchor inside the current g
	MOVL -4(AX), DI                      // DI = interrupted g
	// Move to this CPU's interrupt stack unless a fault inside a handler
	// already has us on it.
	BYTE $0x65; MOVL const_cpuIntrLo, AX
	CMPL SP, AX
	JCS  switch
	BYTE $0x65; MOVL const_cpuIntrHi, AX
	CMPL SP, AX
	JCS  onstack
switch:
	BYTE $0x65; MOVL const_cpuIntrHi, SP
onstack:
	PUSHL SI
	PUSHL DI
	BYTE $0x65; MOVL const_cpuIntrG, AX  // handlers run with this CPU's interrupt g
	ADDL $const_gAnchor, AX
	BYTE $0x65; MOVL AX, 0
	PUSHL DI                 // dispatch(f *Frame, g *rt.G)
	PUSHL BX
	CALL ·dispatch(SB)
	ADDL $8, SP
	POPL DI
	POPL SI
	LEAL const_gAnchor(DI), AX           // the interrupted g is current again
	BYTE $0x65; MOVL AX, 0
	MOVL SI, SP

	// Preemption point, on the interrupted task's own stack: the scheduler
	// may switch away here and come back much later.
	MOVL 0(SP), BX
	PUSHL BX
	CALL ·afterTrap(SB)
	POPL BX

	FXRSTOR 4(SP)
	MOVL 0(SP), SP
	POPL GS
	POPL FS
	POPL ES
	POPL DS
	POPAL
	ADDL $(Frame_IP-Frame_Vector), SP // vector, error code
	IRETL

// StubAddr returns the entry stub for vector v, or 0.
TEXT ·stubAddr(SB), NOSPLIT, $0-8
	MOVL v+0(FP), AX
	MOVL $vectorTable<>(SB), CX
	MOVL (CX)(AX*4), AX
	MOVL AX, ret+4(FP)
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
DATA vectorTable<>+0(SB)/4, $vec0<>(SB)
DATA vectorTable<>+4(SB)/4, $vec1<>(SB)
DATA vectorTable<>+8(SB)/4, $vec2<>(SB)
DATA vectorTable<>+12(SB)/4, $vec3<>(SB)
DATA vectorTable<>+16(SB)/4, $vec4<>(SB)
DATA vectorTable<>+20(SB)/4, $vec5<>(SB)
DATA vectorTable<>+24(SB)/4, $vec6<>(SB)
DATA vectorTable<>+28(SB)/4, $vec7<>(SB)
DATA vectorTable<>+32(SB)/4, $vec8<>(SB)
DATA vectorTable<>+36(SB)/4, $vec9<>(SB)
DATA vectorTable<>+40(SB)/4, $vec10<>(SB)
DATA vectorTable<>+44(SB)/4, $vec11<>(SB)
DATA vectorTable<>+48(SB)/4, $vec12<>(SB)
DATA vectorTable<>+52(SB)/4, $vec13<>(SB)
DATA vectorTable<>+56(SB)/4, $vec14<>(SB)
DATA vectorTable<>+60(SB)/4, $vec15<>(SB)
DATA vectorTable<>+64(SB)/4, $vec16<>(SB)
DATA vectorTable<>+68(SB)/4, $vec17<>(SB)
DATA vectorTable<>+72(SB)/4, $vec18<>(SB)
DATA vectorTable<>+76(SB)/4, $vec19<>(SB)
DATA vectorTable<>+80(SB)/4, $vec20<>(SB)
DATA vectorTable<>+84(SB)/4, $vec21<>(SB)
DATA vectorTable<>+88(SB)/4, $vec22<>(SB)
DATA vectorTable<>+92(SB)/4, $vec23<>(SB)
DATA vectorTable<>+96(SB)/4, $vec24<>(SB)
DATA vectorTable<>+100(SB)/4, $vec25<>(SB)
DATA vectorTable<>+104(SB)/4, $vec26<>(SB)
DATA vectorTable<>+108(SB)/4, $vec27<>(SB)
DATA vectorTable<>+112(SB)/4, $vec28<>(SB)
DATA vectorTable<>+116(SB)/4, $vec29<>(SB)
DATA vectorTable<>+120(SB)/4, $vec30<>(SB)
DATA vectorTable<>+124(SB)/4, $vec31<>(SB)
DATA vectorTable<>+128(SB)/4, $vec32<>(SB)
DATA vectorTable<>+132(SB)/4, $vec33<>(SB)
DATA vectorTable<>+136(SB)/4, $vec34<>(SB)
DATA vectorTable<>+140(SB)/4, $vec35<>(SB)
DATA vectorTable<>+144(SB)/4, $vec36<>(SB)
DATA vectorTable<>+148(SB)/4, $vec37<>(SB)
DATA vectorTable<>+152(SB)/4, $vec38<>(SB)
DATA vectorTable<>+156(SB)/4, $vec39<>(SB)
DATA vectorTable<>+160(SB)/4, $vec40<>(SB)
DATA vectorTable<>+164(SB)/4, $vec41<>(SB)
DATA vectorTable<>+168(SB)/4, $vec42<>(SB)
DATA vectorTable<>+172(SB)/4, $vec43<>(SB)
DATA vectorTable<>+176(SB)/4, $vec44<>(SB)
DATA vectorTable<>+180(SB)/4, $vec45<>(SB)
DATA vectorTable<>+184(SB)/4, $vec46<>(SB)
DATA vectorTable<>+188(SB)/4, $vec47<>(SB)
DATA vectorTable<>+(const_VecSyscall*4)(SB)/4, $vecSyscall<>(SB)
DATA vectorTable<>+(const_VecResched*4)(SB)/4, $vecResched<>(SB)
DATA vectorTable<>+(const_VecInvalidate*4)(SB)/4, $vecInvalidate<>(SB)
DATA vectorTable<>+(const_VecSpurious*4)(SB)/4, $vecSpurious<>(SB)
GLOBL vectorTable<>(SB), RODATA, $(const_numVectors*4)
