#include "textflag.h"
#include "go_asm.h" // cpuFeature_*, const_numCPUFeatures, const_exitUnsupportedCPU (cpucheck_386.go)

// checkCPU: does this CPU have what the kernel needs? Called by rt0 with a
// stack, before SSE is on and before any Go code: plain registers only.
// Returns if every required feature of cpuFeatures is present; otherwise
// prints on COM1
//
//	UNSUPPORTED-CPU: tlbrace 386 cannot run on this CPU; it lacks: PGE FXSR SSE SSE2
//	UNSUPPORTED-CPU: optional, also absent: APIC
//	EXIT 4
//
// and leaves QEMU through isa-debug-exit (status 9). Clobbers AX-DX, SI, DI, BP.

#define EFLAGS_ID   0x200000 // EFLAGS bit 21: CPUID exists iff software can toggle it (SDM Vol. 1 §3.4.3.3; Vol. 2A, CPUID)
#define COM1_DATA   0x3f8    // PC16550D transmit holding register (DLAB=0); QEMU's UART needs no setup to transmit
#define COM1_LSR    0x3fd    // PC16550D line status register
#define LSR_THRE    0x20     // LSR bit 5: transmit holding register empty
#define DEBUG_EXIT  0xf4     // QEMU isa-debug-exit (qemu.sh iobase=0xf4)

TEXT ·checkCPU(SB), NOSPLIT|NOFRAME, $0
	// Toggle EFLAGS.ID and see whether it sticks, then put EFLAGS back.
	PUSHFL
	POPL AX
	MOVL AX, CX
	XORL $EFLAGS_ID, AX
	PUSHL AX
	POPFL
	PUSHFL
	POPL AX
	PUSHL CX
	POPFL
	XORL CX, AX
	TESTL $EFLAGS_ID, AX
	JZ nocpuid

	XORL AX, AX
	CPUID                           // leaf 0: EAX = highest basic leaf
	CMPL AX, $1
	JCS noleaf1                     // no leaf 1: no feature flags to read
	MOVL $1, AX
	CPUID
	MOVL DX, DI                     // DI = CPUID.01H:EDX, the feature flags

	// BX = how many required features are missing.
	XORL BX, BX
	MOVL $·cpuFeatures(SB), BP
	MOVL $const_numCPUFeatures, CX
count:
	TESTL cpuFeature_bit(BP), DI
	JNZ 2(PC)
	ADDL cpuFeature_required(BP), BX
	ADDL $cpuFeature__size, BP
	DECL CX
	JNZ count
	TESTL BX, BX
	JNZ refuse
	RET

nocpuid:
	MOVL $·cpuMsgNoCPUID(SB), DI
	JMP nofeatures
noleaf1:
	MOVL $·cpuMsgNoLeaf1(SB), DI
nofeatures:
	MOVL $·cpuMsgMissing(SB), BP
	CALL puts<>(SB)
	MOVL DI, BP
	CALL puts<>(SB)
	JMP exit

refuse:
	MOVL $·cpuMsgMissing(SB), BP
	CALL puts<>(SB)
	MOVL $1, BX                     // the required ones first
	CALL names<>(SB)
	// Then the optional ones, if any is absent.
	MOVL $·cpuFeatures(SB), BP
	MOVL $const_numCPUFeatures, CX
optional:
	TESTL cpuFeature_bit(BP), DI
	JNZ 3(PC)
	CMPL cpuFeature_required(BP), $0
	JEQ someoptional
	ADDL $cpuFeature__size, BP
	DECL CX
	JNZ optional
	JMP exit
someoptional:
	MOVL $·cpuMsgOptional(SB), BP
	CALL puts<>(SB)
	MOVL $0, BX
	CALL names<>(SB)

exit:
	MOVL $·cpuMsgExit(SB), BP
	CALL puts<>(SB)
	MOVL $const_exitUnsupportedCPU, AX
	MOVW $DEBUG_EXIT, DX
	OUTL
halt:
	CLI
	HLT
	JMP halt

// names prints the name of every feature absent from DI whose required
// field equals BX. Clobbers AX, CX, DX, SI, BP.
TEXT names<>(SB), NOSPLIT|NOFRAME, $0
	MOVL $·cpuFeatures(SB), BP
	MOVL $const_numCPUFeatures, CX
next:
	TESTL cpuFeature_bit(BP), DI
	JNZ skip
	CMPL cpuFeature_required(BP), BX
	JNE skip
	PUSHL BP
	PUSHL CX
	LEAL cpuFeature_name(BP), BP
	CALL puts<>(SB)
	POPL CX
	POPL BP
skip:
	ADDL $cpuFeature__size, BP
	DECL CX
	JNZ next
	RET

// puts writes the Go string whose header is at BP (data pointer, length)
// to COM1, polling LSR.THRE before each byte. Clobbers AX, CX, DX, SI.
TEXT puts<>(SB), NOSPLIT|NOFRAME, $0
	MOVL 0(BP), SI
	MOVL 4(BP), CX
	TESTL CX, CX
	JZ done
char:
	MOVW $COM1_LSR, DX
wait:
	INB
	TESTB $LSR_THRE, AL
	JZ wait
	MOVB (SI), AL
	MOVW $COM1_DATA, DX
	OUTB
	INCL SI
	DECL CX
	JNZ char
done:
	RET
