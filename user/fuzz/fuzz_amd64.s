// fuzz for amd64: see main.go. The kernel keeps every register but AX
// across a system call (int $0x80: number in AX, arguments in BX, CX, DX,
// SI, result in AX).
//
// Registers: R15 = generator state, R14 = private region, R13 = shared
// page, R12 = task id, R11 = scratch; before a call DI, BP, R8-R11 and X0
// hold random values, and every register is saved in ·saved to be
// compared after it.
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

#define KERNEL_ADDR 0x100000            // the kernel image, linked at 1 MiB
#define USER_BASE   0x0000008000000000  // user space [USER_BASE, USER_TOP) (kernel/mm)
#define USER_TOP    0x0000800000000000

// The slots of ·saved.
#define S_BX  0(SB)
#define S_CX  8(SB)
#define S_DX  16(SB)
#define S_SI  24(SB)
#define S_DI  32(SB)
#define S_BP  40(SB)
#define S_R8  48(SB)
#define S_R9  56(SB)
#define S_R10 64(SB)
#define S_R11 72(SB)
#define S_R12 80(SB)
#define S_R13 88(SB)
#define S_R14 96(SB)
#define S_R15 104(SB)
#define S_SP  112(SB)
#define S_X0  120(SB)

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVQ AX, R12
	MOVQ BX, R14
	MOVQ CX, R13
	MOVQ 0(SP), R15                 // the seed
	TESTQ R15, R15
	JNZ 2(PC)
	MOVQ $const_seedIfZero, R15     // xorshift's state must not be 0
	CLD

round:
	CALL ·next(SB)
	MOVQ AX, R11
	ANDQ $1023, AX
	CMPQ AX, $const_endOdds
	JCS theend
	MOVQ R11, AX
	SHRQ $10, AX
	ANDQ $15, AX
	CMPQ AX, $const_touchOdds
	JCS touch

	// The number: 5 in 8 a real one (write..munmap), then 0..63,
	// anything, or a small negative one.
	CALL ·next(SB)
	MOVQ AX, R11
	SHRQ $3, R11
	ANDQ $7, AX
	CMPQ AX, $5
	JCS validnr
	JEQ smallnr
	CMPQ AX, $6
	JEQ havenr
	ANDQ $63, R11
	NOTQ R11                        // -1..-64
	JMP havenr
validnr:
	MOVQ R11, AX
	XORQ DX, DX
	MOVQ $const_numValid, CX
	DIVQ CX
	LEAQ const_sysWrite(DX), R11
	JMP havenr
smallnr:
	ANDQ $63, R11
havenr:
	CMPQ R11, $const_sysClone       // never clone: a thread at a random entry
	JNE notclone                    // would outlive the fuzz supervisor
	MOVQ $const_sysGetpid, R11
notclone:
	MOVQ R11, ·nr(SB)

	CALL ·arg(SB)
	MOVQ AX, BX
	CALL ·arg(SB)
	MOVQ AX, CX
	CALL ·arg(SB)
	MOVQ AX, DX
	CALL ·arg(SB)
	MOVQ AX, SI
	CMPQ ·nr(SB), $const_sysExit
	JNE 2(PC)
	ANDQ $0xffff, BX                // an exit code: never a violation's
	CMPQ ·nr(SB), $const_sysSleep
	JNE 4(PC)
	TESTQ $7, SI
	JZ 2(PC)
	ANDQ $15, BX                    // 7 sleeps in 8 last 0..15 ms: a sleeper fuzzes nothing
	CMPQ ·nr(SB), $const_sysWrite
	JNE 7(PC)
	TESTQ $0x30, SI
	JNZ 5(PC)
	ANDQ $(const_privateSize-1), BX // 1 write in 4 from a good buffer, 1..64 bytes of
	ADDQ R14, BX                    // the private region: maps pages (a frame each)
	ANDQ $63, CX
	INCQ CX

	// Values to find unchanged after the call.
	CALL ·next(SB)
	MOVQ AX, DI
	CALL ·next(SB)
	MOVQ AX, BP
	CALL ·next(SB)
	MOVQ AX, R8
	CALL ·next(SB)
	MOVQ AX, R9
	CALL ·next(SB)
	MOVQ AX, R10
	CALL ·next(SB)
	MOVQ AX, X0
	MOVQ AX, ·saved+S_X0
	CALL ·next(SB)
	MOVQ AX, R11
	MOVQ BX, ·saved+S_BX
	MOVQ CX, ·saved+S_CX
	MOVQ DX, ·saved+S_DX
	MOVQ SI, ·saved+S_SI
	MOVQ DI, ·saved+S_DI
	MOVQ BP, ·saved+S_BP
	MOVQ R8, ·saved+S_R8
	MOVQ R9, ·saved+S_R9
	MOVQ R10, ·saved+S_R10
	MOVQ R11, ·saved+S_R11
	MOVQ R12, ·saved+S_R12
	MOVQ R13, ·saved+S_R13
	MOVQ R14, ·saved+S_R14
	MOVQ R15, ·saved+S_R15
	MOVQ SP, ·saved+S_SP

	// The call, with the direction flag set one time in four.
	MOVQ ·nr(SB), AX
	TESTQ $3, R10
	JNZ 2(PC)
	STD
	PUSHFQ
	POPQ ·flags(SB)
	INT $const_syscallVector
	PUSHFQ
	CLD

	CMPQ BX, ·saved+S_BX
	JNE badregs
	CMPQ CX, ·saved+S_CX
	JNE badregs
	CMPQ DX, ·saved+S_DX
	JNE badregs
	CMPQ SI, ·saved+S_SI
	JNE badregs
	CMPQ DI, ·saved+S_DI
	JNE badregs
	CMPQ BP, ·saved+S_BP
	JNE badregs
	CMPQ R8, ·saved+S_R8
	JNE badregs
	CMPQ R9, ·saved+S_R9
	JNE badregs
	CMPQ R10, ·saved+S_R10
	JNE badregs
	CMPQ R11, ·saved+S_R11
	JNE badregs
	CMPQ R12, ·saved+S_R12
	JNE badregs
	CMPQ R13, ·saved+S_R13
	JNE badregs
	CMPQ R14, ·saved+S_R14
	JNE badregs
	CMPQ R15, ·saved+S_R15
	JNE badregs
	POPQ R11                        // EFLAGS after the call
	CMPQ SP, ·saved+S_SP
	JNE badregs
	CMPQ R11, ·flags(SB)
	JNE badflags
	MOVQ X0, R11
	CMPQ R11, ·saved+S_X0
	JNE badxmm

	// The result (AX) against the rules of the ABI.
	MOVQ ·nr(SB), R11
	TESTQ R11, R11
	JZ unknown
	CMPQ R11, $const_numSyscalls
	JCC unknown
	TESTQ AX, AX
	JGE known
	CMPQ AX, $-const_enomem
	JEQ known
	CMPQ AX, $-const_efault
	JEQ known
	CMPQ AX, $-const_einval
	JEQ known
	CMPQ AX, $-const_enosys
	JEQ known
	MOVQ $const_checkErrno, AX
	JMP ·fail(SB)
unknown:
	CMPQ AX, $-const_enosys
	JEQ round
	MOVQ $const_checkENOSYS, AX
	JMP ·fail(SB)

known:
	CMPQ R11, $const_sysWrite
	JEQ write
	CMPQ R11, $const_sysGetpid
	JEQ getpid
	CMPQ R11, $const_sysYield
	JEQ zero
	CMPQ R11, $const_sysSleep
	JEQ sleep
	CMPQ R11, $const_sysMapinfo
	JEQ mapinfo
	CMPQ R11, $const_sysExit
	JNE round                       // report: any errno of the ABI will do
	MOVQ $const_checkResult, AX     // exit returned
	JMP ·fail(SB)

write:
	CMPQ CX, $const_maxWrite
	JLS wlen
	CMPQ AX, $-const_einval
	JEQ round
	MOVQ $const_checkLength, AX
	JMP ·fail(SB)
wlen:
	TESTQ CX, CX
	JZ zero                         // write(anything, 0) = 0
	MOVQ $(USER_BASE>>12), R11      // USER_BASE, built by a shift: mkinitrd takes an
	SHLQ $12, R11                   // immediate inside the program for data to keep
	CMPQ BX, R11
	JCC wuser
	CMPQ AX, $-const_efault         // from below user space: always -EFAULT
	JEQ round
	MOVQ $const_checkKernel, AX
	JMP ·fail(SB)
wuser:
	TESTQ AX, AX
	JLT round
	CMPQ AX, CX                     // all of it, or an error
	JEQ round
	MOVQ $const_checkResult, AX
	JMP ·fail(SB)

getpid:
	CMPQ AX, R12
	JEQ round
	MOVQ $const_checkGetpid, AX
	JMP ·fail(SB)

mapinfo:
	CMPQ AX, R14
	JEQ round
	MOVQ $const_checkMapinfo, AX
	JMP ·fail(SB)

sleep:
	CMPQ BX, $const_maxSleepMS
	JLS zero
	CMPQ AX, $-const_einval         // too long, or negative
	JEQ round
	MOVQ $const_checkResult, AX
	JMP ·fail(SB)

zero:
	TESTQ AX, AX
	JEQ round
	MOVQ $const_checkResult, AX
	JMP ·fail(SB)

badregs:
	MOVQ $const_checkRegs, AX
	JMP ·fail(SB)
badflags:
	MOVQ $const_checkFlags, AX
	JMP ·fail(SB)
badxmm:
	MOVQ $const_checkXMM, AX
	JMP ·fail(SB)

	// A write to its own memory: a byte somewhere in the private region
	// (demand paging on first touch), with the direction flag set one
	// time in four.
touch:
	CALL ·next(SB)
	MOVQ AX, R11
	ANDQ $(const_privateSize-1), AX
	ADDQ R14, AX
	TESTQ $(3<<20), R11
	JNZ 2(PC)
	STD
	MOVB R11, (AX)
	CLD
	JMP round

	// The end of this fuzzer: an exit or a fault of one of many kinds,
	// half of them with the direction flag set.
theend:
	CALL ·next(SB)
	MOVQ AX, R11
	TESTQ $(1<<8), R11
	JNZ 2(PC)
	STD
	SHRQ $16, AX
	ANDQ $15, AX
	CMPQ AX, $2
	JCS endexit
	JEQ endkread
	CMPQ AX, $4
	JCS endtext
	JEQ endjump
	CMPQ AX, $6
	JCS endud
	JEQ enddiv
	CMPQ AX, $8
	JCS endcli
	JEQ endhlt
	CMPQ AX, $10
	JCS endint3
	JEQ endstep
	CMPQ AX, $12
	JCS endicebp
	JEQ endpush
	CMPQ AX, $14
	JCS endspin
	JEQ endsleep
endguard:
	MOVQ SP, AX                     // below the stack's VMA
	SUBQ $0x10000, AX
	MOVB $0, (AX)
	JMP endguard
endexit:
	MOVQ R11, BX
	ANDQ $0xffff, BX
	MOVQ $const_sysExit, AX
	INT $const_syscallVector
	MOVQ $const_checkResult, AX     // exit returned
	JMP ·fail(SB)
endkread:
	MOVQ $KERNEL_ADDR, AX
	MOVQ (AX), AX
	JMP endkread
endtext:
	LEAQ ·start(SB), AX
	MOVB $0, (AX)
	JMP endtext
endjump:
	JMP R11                         // a random address: nothing is mapped there
endud:
	UD2
enddiv:
	XORQ CX, CX
	DIVQ CX
	JMP enddiv
endcli:
	CLI
	JMP endcli
endhlt:
	HLT
	JMP endhlt
endint3:
	INT $3
	JMP endint3
endstep:
	PUSHFQ
	ORQ $const_flagTF, (SP)
	POPFQ
	NOP
	JMP endstep
endicebp:
	BYTE $0xF1                      // ICEBP (INT1): a #DB from ring 3
	JMP endicebp
endpush:
	MOVQ $KERNEL_ADDR, SP
	PUSHQ AX
	JMP endpush
endspin:
	JMP endspin                     // until the supervisor kills it
endsleep:
	CLD
	MOVQ $const_maxSleepMS, BX
	MOVQ $const_sysSleep, AX
	INT $const_syscallVector
	JMP endsleep

// next: AX = the next number of xorshift64* (Vigna 2016) on R15.
TEXT ·next(SB), NOSPLIT|NOFRAME, $0
	MOVQ R15, AX
	SHRQ $12, AX
	XORQ AX, R15
	MOVQ R15, AX
	SHLQ $25, AX
	XORQ AX, R15
	MOVQ R15, AX
	SHRQ $27, AX
	XORQ AX, R15
	MOVQ $0x2545F4914F6CDD1D, AX
	IMULQ R15, AX
	RET

// arg: AX = an argument of one of 16 classes. Clobbers R11.
TEXT ·arg(SB), NOSPLIT|NOFRAME, $0
	CALL ·next(SB)
	MOVQ AX, R11
	SHRQ $4, R11                    // R11: the value's random bits
	ANDQ $15, AX                    // AX: the class
	CMPQ AX, $1
	JCS a0
	JEQ a1
	CMPQ AX, $3
	JCS a2
	JEQ a3
	CMPQ AX, $5
	JCS a4
	JEQ a5
	CMPQ AX, $7
	JCS a6
	JEQ a7
	CMPQ AX, $9
	JCS a8
	JEQ a9
	CMPQ AX, $11
	JCS a10
	JEQ a11
	CMPQ AX, $13
	JCS a12
	JEQ a13
	CMPQ AX, $15
	JCS a14
	MOVQ R11, AX                    // 15: anything at all
	RET
a0:	XORQ AX, AX                     // 0 (NULL)
	RET
a1:	MOVQ R11, AX                    // 1..64
	ANDQ $63, AX
	INCQ AX
	RET
a2:	MOVQ R11, AX                    // 4095..4098: around a page
	ANDQ $3, AX
	ADDQ $4095, AX
	RET
a3:	MOVQ R11, AX                    // huge (negative as a signed number)
	BTSQ $63, AX
	RET
a4:	MOVQ R11, AX                    // -1..-64
	ANDQ $63, AX
	NOTQ AX
	RET
a5:	MOVQ R11, AX                    // inside the kernel image
	ANDQ $0x1fffff, AX
	ADDQ $KERNEL_ADDR, AX
	RET
a6:	MOVQ R11, AX                    // inside the private region
	ANDQ $(const_privateSize-1), AX
	ADDQ R14, AX
	RET
a7:	MOVQ R11, AX                    // the last 64 bytes of the private region
	ANDQ $63, AX
	NEGQ AX
	ADDQ $const_privateSize, AX
	ADDQ R14, AX
	RET
a8:	MOVQ R11, AX                    // just below a page boundary of the region (or its end)
	ANDQ $15, AX
	INCQ AX
	SHLQ $12, AX
	ADDQ R14, AX
	SHRQ $4, R11
	ANDQ $15, R11
	SUBQ R11, AX
	RET
a9:	MOVQ R11, AX                    // past the private region: unmapped
	ANDQ $0xfffff, AX
	ADDQ $const_privateSize, AX
	ADDQ R14, AX
	RET
a10:	MOVQ R11, AX                    // the shared page (or just past it)
	ANDQ $(2*const_sharedSize-1), AX
	ADDQ R13, AX
	RET
a11:	MOVQ R11, AX                    // on the stack (or below its VMA)
	ANDQ $0x7fff, AX
	NEGQ AX
	ADDQ SP, AX
	RET
a12:	MOVQ R11, AX                    // its own text (read-only)
	ANDQ $0xffff, AX
	LEAQ ·start(SB), R11
	ADDQ R11, AX
	RET
a13:	MOVQ R11, AX                    // the last page of user space
	ANDQ $0xfff, AX
	NEGQ AX
	MOVQ $USER_TOP, R11
	ADDQ R11, AX
	RET
a14:	MOVQ R11, AX                    // the last page of the address space
	ANDQ $0xfff, AX
	NEGQ AX
	RET

// fail: exit(FuzzViolation | nr<<8 | AX) — the kernel broke rule AX.
TEXT ·fail(SB), NOSPLIT|NOFRAME, $0
	CLD
	MOVQ ·nr(SB), BX
	ANDQ $0xff, BX
	SHLQ $8, BX
	ORQ AX, BX
	ORQ $const_violation, BX
again:
	MOVQ $const_sysExit, AX
	INT $const_syscallVector
	JMP again
