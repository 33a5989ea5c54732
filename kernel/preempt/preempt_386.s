#include "textflag.h"
#include "go_asm.h" // const_gThread, State_Count, State_NeedResched (preempt.go)

// preempt_count's fast paths (preempt.go says why they are assembly).
//
// TASKSTATE leaves the running task's State in AX, or jumps to irq when
// no task's g runs (an interrupt handler's g, the boot thread before the
// scheduler): host tests' override first, else the TLS slot — GS:0 holds
// g's anchor (rt.TLSWord), the word before it g itself, the loads
// compiled code does in every function prologue — then g.Thread. BYTE
// $0x65 is the GS segment-override prefix, which the Go assembler does
// not spell.
// Why no task can change under it, and why the kernel's build leaves the
// override out (TLBRACE_KERNEL): preempt.go, above Current.
#ifdef TLBRACE_KERNEL
#define OVERRIDE
#else
#define OVERRIDE MOVL ·override(SB), AX; TESTL AX, AX; JNE found;
#endif
#define TASKSTATE(irq) \
	OVERRIDE \
	BYTE $0x65; MOVL 0, AX; \
	MOVL -4(AX), AX; \
	MOVL const_gThread(AX), AX; \
	TESTL AX, AX; \
	JEQ irq; \
found:

// func Current() *State
TEXT ·Current(SB), NOSPLIT, $0-4
	TASKSTATE(irq)
	MOVL AX, ret+0(FP)
	RET
irq:
	JMP ·irqState(SB)

// func Disable()
TEXT ·Disable(SB), NOSPLIT, $0-0
	TASKSTATE(irq)
	INCL State_Count(AX)
	RET
irq:
	JMP ·disableIRQ(SB)

// func Enable(): the decrement, then back at once if still nested (> 0),
// or outermost with no reschedule pending; an unbalanced Enable (< 0) or
// a pending reschedule goes to Go.
TEXT ·Enable(SB), NOSPLIT, $0-0
	TASKSTATE(irq)
	DECL State_Count(AX)
	JGT done
	JLT slow
	CMPB State_NeedResched(AX), $0
	JNE slow
done:
	RET
slow:
	JMP ·enableSlowTask(SB)
irq:
	JMP ·enableIRQ(SB)

// func Preemptible() bool
TEXT ·Preemptible(SB), NOSPLIT, $0-1
	TASKSTATE(irq)
	CMPL State_Count(AX), $0
	SETEQ ret+0(FP)
	RET
irq:
	JMP ·preemptibleIRQ(SB)
