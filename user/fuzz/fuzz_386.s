// fuzz for 386: see main.go and fuzz_amd64.s (the same rounds; with
// fewer registers the state lives in memory: ·rng, ·taskID, ·priv,
// ·shared, ·nr). The generator is xorshift32 (Marsaglia 2003) on the seed's
// two halves XORed together. Before a call DI, BP and X0 hold random
// values, and every register is saved in ·saved to be compared after it.
#include "textflag.h"
#include "go_asm.h" // const_NAME: the kernel interface (main.go)

#define KERNEL_ADDR 0x100000    // the kernel image, linked at 1 MiB
#define USER_BASE   0x40000000  // user space [USER_BASE, USER_TOP) (kernel/mm)
#define USER_TOP    0xC0000000

// The slots of ·saved.
#define S_BX 0(SB)
#define S_CX 4(SB)
#define S_DX 8(SB)
#define S_SI 12(SB)
#define S_DI 16(SB)
#define S_BP 20(SB)
#define S_SP 24(SB)
#define S_X0 28(SB)

TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVL AX, ·taskID(SB)
	MOVL BX, ·priv(SB)
	MOVL CX, ·shared(SB)
	MOVL 0(SP), AX                  // the seed's two halves
	XORL 4(SP), AX
	TESTL AX, AX
	JNZ 2(PC)
	MOVL $const_seedIfZero32, AX      // xorshift's state must not be 0
	MOVL AX, ·rng(SB)
	CLD

round:
	CALL ·next(SB)
	MOVL AX, DI
	ANDL $1023, AX
	CMPL AX, $const_endOdds
	JCS theend
	MOVL DI, AX
	SHRL $10, AX
	ANDL $15, AX
	CMPL AX, $const_touchOdds
	JCS touch

	// The number: 5 in 8 a real one (write..munmap), then 0..63,
	// anything, or a small negative one.
	CALL ·next(SB)
	MOVL AX, DI
	SHRL $3, DI
	ANDL $7, AX
	CMPL AX, $5
	JCS validnr
	JEQ smallnr
	CMPL AX, $6
	JEQ havenr
	ANDL $63, DI
	NOTL DI                         // -1..-64
	JMP havenr
validnr:
	MOVL DI, AX
	XORL DX, DX
	MOVL $const_numValid, CX
	DIVL CX
	LEAL const_sysWrite(DX), DI
	JMP havenr
smallnr:
	ANDL $63, DI
havenr:
	CMPL DI, $const_sysClone        // never clone: a thread at a random entry
	JNE notclone                    // would outlive the fuzz supervisor
	MOVL $const_sysGetpid, DI
notclone:
	MOVL DI, ·nr(SB)

	CALL ·arg(SB)
	MOVL AX, BX
	CALL ·arg(SB)
	MOVL AX, CX
	CALL ·arg(SB)
	MOVL AX, DX
	CALL ·arg(SB)
	MOVL AX, SI
	CMPL ·nr(SB), $const_sysExit
	JNE 2(PC)
	ANDL $0xffff, BX                // an exit code: never a violation's
	CMPL ·nr(SB), $const_sysSleep
	JNE 4(PC)
	TESTL $7, SI
	JZ 2(PC)
	ANDL $15, BX                    // 7 sleeps in 8 last 0..15 ms: a sleeper fuzzes nothing
	CMPL ·nr(SB), $const_sysWrite
	JNE 7(PC)
	TESTL $0x30, SI
	JNZ 5(PC)
	ANDL $(const_privateSize-1), BX // 1 write in 4 from a good buffer, 1..64 bytes of
	ADDL ·priv(SB), BX              // the private region: maps pages (a frame each)
	ANDL $63, CX
	INCL CX

	// Values to find unchanged after the call.
	CALL ·next(SB)
	MOVL AX, DI
	CALL ·next(SB)
	MOVL AX, BP
	CALL ·next(SB)
	MOVL AX, X0
	MOVL AX, ·saved+S_X0
	MOVL BX, ·saved+S_BX
	MOVL CX, ·saved+S_CX
	MOVL DX, ·saved+S_DX
	MOVL SI, ·saved+S_SI
	MOVL DI, ·saved+S_DI
	MOVL BP, ·saved+S_BP
	MOVL SP, ·saved+S_SP

	// The call, with the direction flag set one time in four.
	MOVL ·nr(SB), AX
	TESTL $3, BP
	JNZ 2(PC)
	STD
	PUSHFL
	POPL ·flags(SB)
	INT $const_syscallVector
	PUSHFL
	CLD

	CMPL BX, ·saved+S_BX
	JNE badregs
	CMPL CX, ·saved+S_CX
	JNE badregs
	CMPL DX, ·saved+S_DX
	JNE badregs
	CMPL SI, ·saved+S_SI
	JNE badregs
	CMPL DI, ·saved+S_DI
	JNE badregs
	CMPL BP, ·saved+S_BP
	JNE badregs
	POPL DI                         // EFLAGS after the call
	CMPL SP, ·saved+S_SP
	JNE badregs
	CMPL DI, ·flags(SB)
	JNE badflags
	MOVL X0, DI
	CMPL DI, ·saved+S_X0
	JNE badxmm

	// The result (AX) against the rules of the ABI.
	MOVL ·nr(SB), DI
	TESTL DI, DI
	JZ unknown
	CMPL DI, $const_numSyscalls
	JCC unknown
	TESTL AX, AX
	JGE known
	CMPL AX, $-const_enomem
	JEQ known
	CMPL AX, $-const_efault
	JEQ known
	CMPL AX, $-const_einval
	JEQ known
	CMPL AX, $-const_enosys
	JEQ known
	MOVL $const_checkErrno, AX
	JMP ·fail(SB)
unknown:
	CMPL AX, $-const_enosys
	JEQ round
	MOVL $const_checkENOSYS, AX
	JMP ·fail(SB)

known:
	CMPL DI, $const_sysWrite
	JEQ write
	CMPL DI, $const_sysGetpid
	JEQ getpid
	CMPL DI, $const_sysYield
	JEQ zero
	CMPL DI, $const_sysSleep
	JEQ sleep
	CMPL DI, $const_sysMapinfo
	JEQ mapinfo
	CMPL DI, $const_sysExit
	JNE round                       // report: any errno of the ABI will do
	MOVL $const_checkResult, AX     // exit returned
	JMP ·fail(SB)

write:
	CMPL CX, $const_maxWrite
	JLS wlen
	CMPL AX, $-const_einval
	JEQ round
	MOVL $const_checkLength, AX
	JMP ·fail(SB)
wlen:
	TESTL CX, CX
	JZ zero                         // write(anything, 0) = 0
	CMPL BX, $USER_BASE
	JCC wuser
	CMPL AX, $-const_efault         // from below user space: always -EFAULT
	JEQ round
	MOVL $const_checkKernel, AX
	JMP ·fail(SB)
wuser:
	TESTL AX, AX
	JLT round
	CMPL AX, CX                     // all of it, or an error
	JEQ round
	MOVL $const_checkResult, AX
	JMP ·fail(SB)

getpid:
	CMPL AX, ·taskID(SB)
	JEQ round
	MOVL $const_checkGetpid, AX
	JMP ·fail(SB)

mapinfo:
	CMPL AX, ·priv(SB)
	JEQ round
	MOVL $const_checkMapinfo, AX
	JMP ·fail(SB)

sleep:
	CMPL BX, $const_maxSleepMS
	JLS zero
	CMPL AX, $-const_einval         // too long, or negative
	JEQ round
	MOVL $const_checkResult, AX
	JMP ·fail(SB)

zero:
	TESTL AX, AX
	JEQ round
	MOVL $const_checkResult, AX
	JMP ·fail(SB)

badregs:
	MOVL $const_checkRegs, AX
	JMP ·fail(SB)
badflags:
	MOVL $const_checkFlags, AX
	JMP ·fail(SB)
badxmm:
	MOVL $const_checkXMM, AX
	JMP ·fail(SB)

	// A write to its own memory: a byte somewhere in the private region
	// (demand paging on first touch), with the direction flag set one
	// time in four.
touch:
	CALL ·next(SB)
	MOVL AX, BX
	ANDL $(const_privateSize-1), AX
	ADDL ·priv(SB), AX
	TESTL $(3<<20), BX
	JNZ 2(PC)
	STD
	MOVB BX, (AX)
	CLD
	JMP round

	// The end of this fuzzer: an exit or a fault of one of many kinds,
	// half of them with the direction flag set.
theend:
	CALL ·next(SB)
	MOVL AX, DI
	TESTL $(1<<8), DI
	JNZ 2(PC)
	STD
	SHRL $16, AX
	ANDL $15, AX
	CMPL AX, $2
	JCS endexit
	JEQ endkread
	CMPL AX, $4
	JCS endtext
	JEQ endjump
	CMPL AX, $6
	JCS endud
	JEQ enddiv
	CMPL AX, $8
	JCS endcli
	JEQ endhlt
	CMPL AX, $10
	JCS endint3
	JEQ endstep
	CMPL AX, $12
	JCS endicebp
	JEQ endpush
	CMPL AX, $14
	JCS endspin
	JEQ endsleep
endguard:
	MOVL SP, AX                     // below the stack's VMA
	SUBL $0x10000, AX
	MOVB $0, (AX)
	JMP endguard
endexit:
	MOVL DI, BX
	ANDL $0xffff, BX
	MOVL $const_sysExit, AX
	INT $const_syscallVector
	MOVL $const_checkResult, AX     // exit returned
	JMP ·fail(SB)
endkread:
	MOVL $KERNEL_ADDR, AX
	MOVL (AX), AX
	JMP endkread
endtext:
	LEAL ·start(SB), AX
	MOVB $0, (AX)
	JMP endtext
endjump:
	ORL $USER_TOP, DI               // at or above the top of user space (nothing of ours)
	JMP DI
endud:
	UD2
enddiv:
	XORL CX, CX
	DIVL CX
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
	PUSHFL
	ORL $const_flagTF, (SP)
	POPFL
	NOP
	JMP endstep
endicebp:
	BYTE $0xF1                      // ICEBP (INT1): a #DB from ring 3
	JMP endicebp
endpush:
	MOVL $KERNEL_ADDR, SP
	PUSHL AX
	JMP endpush
endspin:
	JMP endspin                     // until the supervisor kills it
endsleep:
	CLD
	MOVL $const_maxSleepMS, BX
	MOVL $const_sysSleep, AX
	INT $const_syscallVector
	JMP endsleep

// next: AX = the next number of xorshift32 on ·rng.
TEXT ·next(SB), NOSPLIT|NOFRAME, $0
	PUSHL CX
	MOVL ·rng(SB), AX
	MOVL AX, CX
	SHLL $13, CX
	XORL CX, AX
	MOVL AX, CX
	SHRL $17, CX
	XORL CX, AX
	MOVL AX, CX
	SHLL $5, CX
	XORL CX, AX
	MOVL AX, ·rng(SB)
	POPL CX
	RET

// arg: AX = an argument of one of 16 classes.
TEXT ·arg(SB), NOSPLIT|NOFRAME, $0
	CALL ·next(SB)
	PUSHL DI
	MOVL AX, DI
	SHRL $4, DI                     // DI: the value's random bits
	ANDL $15, AX                    // AX: the class
	CMPL AX, $1
	JCS a0
	JEQ a1
	CMPL AX, $3
	JCS a2
	JEQ a3
	CMPL AX, $5
	JCS a4
	JEQ a5
	CMPL AX, $7
	JCS a6
	JEQ a7
	CMPL AX, $9
	JCS a8
	JEQ a9
	CMPL AX, $11
	JCS a10
	JEQ a11
	CMPL AX, $13
	JCS a12
	JEQ a13
	CMPL AX, $15
	JCS a14
	MOVL DI, AX                     // 15: anything at all
	JMP out
a0:	XORL AX, AX                     // 0 (NULL)
	JMP out
a1:	MOVL DI, AX                     // 1..64
	ANDL $63, AX
	INCL AX
	JMP out
a2:	MOVL DI, AX                     // 4095..4098: around a page
	ANDL $3, AX
	ADDL $4095, AX
	JMP out
a3:	MOVL DI, AX                     // huge (negative as a signed number)
	BTSL $31, AX
	JMP out
a4:	MOVL DI, AX                     // -1..-64
	ANDL $63, AX
	NOTL AX
	JMP out
a5:	MOVL DI, AX                     // inside the kernel image
	ANDL $0x1fffff, AX
	ADDL $KERNEL_ADDR, AX
	JMP out
a6:	MOVL DI, AX                     // inside the private region
	ANDL $(const_privateSize-1), AX
	ADDL ·priv(SB), AX
	JMP out
a7:	MOVL DI, AX                     // the last 64 bytes of the private region
	ANDL $63, AX
	NEGL AX
	ADDL $const_privateSize, AX
	ADDL ·priv(SB), AX
	JMP out
a8:	MOVL DI, AX                     // just below a page boundary of the region (or its end)
	ANDL $15, AX
	INCL AX
	SHLL $12, AX
	ADDL ·priv(SB), AX
	SHRL $4, DI
	ANDL $15, DI
	SUBL DI, AX
	JMP out
a9:	MOVL DI, AX                     // past the private region: unmapped
	ANDL $0xfffff, AX
	ADDL $const_privateSize, AX
	ADDL ·priv(SB), AX
	JMP out
a10:	MOVL DI, AX                     // the shared page (or just past it)
	ANDL $(2*const_sharedSize-1), AX
	ADDL ·shared(SB), AX
	JMP out
a11:	MOVL DI, AX                     // on the stack (or below its VMA)
	ANDL $0x7fff, AX
	NEGL AX
	ADDL SP, AX
	JMP out
a12:	MOVL DI, AX                     // its own text (read-only)
	ANDL $0xffff, AX
	LEAL ·start(SB), DI
	ADDL DI, AX
	JMP out
a13:	MOVL DI, AX                     // the last page of user space
	ANDL $0xfff, AX
	NEGL AX
	ADDL $USER_TOP, AX
	JMP out
a14:	MOVL DI, AX                     // the last page of the address space
	ANDL $0xfff, AX
	NEGL AX
out:
	POPL DI
	RET

// fail: exit(FuzzViolation | nr<<8 | AX) — the kernel broke rule AX.
TEXT ·fail(SB), NOSPLIT|NOFRAME, $0
	CLD
	MOVL ·nr(SB), BX
	ANDL $0xff, BX
	SHLL $8, BX
	ORL AX, BX
	ORL $const_violation, BX
again:
	MOVL $const_sysExit, AX
	INT $const_syscallVector
	JMP again
