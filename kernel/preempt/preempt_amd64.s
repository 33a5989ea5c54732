#include "textflag.h"
#include "go_asm.h" // const_gThread, const_anchorThread, State_* (preempt.go)

// preempt_count's fast paths (preempt.go says why they are assembly).
//
// TASKSTATE leaves the running task's State in AX: host tests' override
// first, else g from the TLS slot ((TLS) is FS:-8, the load compiled code
// does), then g.Thread — two loads, as Linux's thread_info is two
// instructions from the stack pointer. Every g that runs has a Thread: a
// task's, or its CPU's own for an interrupt or boot g (Attach,
// AttachCPU).
#ifdef TLBRACE_KERNEL
#define OVERRIDE
#else
#define OVERRIDE MOVQ ·override(SB), AX; TESTQ AX, AX; JNE found;
#endif
#define TASKSTATE \
	OVERRIDE \
	MOVQ (TLS), AX; \
	MOVQ const_gThread(AX), AX; \
found:

// func Current() *State
TEXT ·Current(SB), NOSPLIT, $0-8
	TASKSTATE
	MOVQ AX, ret+0(FP)
	RET

// func Disable()
TEXT ·Disable(SB), NOSPLIT, $0-0
	TASKSTATE
	INCL State_Count(AX)
	RET

// func Enable(): the decrement; back at once if that reached zero with no
// reschedule pending (the common case, inside every guarded flush), or
// if still nested (> 0). A pending reschedule at zero, or an unbalanced
// Enable (< 0), goes to Go.
TEXT ·Enable(SB), NOSPLIT, $0-0
	TASKSTATE
	DECL State_Count(AX)
	JNE nonzero
	CMPB State_NeedResched(AX), $0
	JNE slow
	RET
nonzero:
	JLT slow // DECL's flags: the count went below zero
	RET
slow:
	JMP ·enableSlowTask(SB)

// func Preemptible() bool
TEXT ·Preemptible(SB), NOSPLIT, $0-1
	TASKSTATE
	CMPL State_Count(AX), $0
	SETEQ ret+0(FP)
	RET

// func NoteLazyUnguarded(): LazyUnguarded++ if Count == 0 and Borrowing.
TEXT ·NoteLazyUnguarded(SB), NOSPLIT, $0-0
	TASKSTATE
	CMPL State_Count(AX), $0
	JNE done
	CMPB State_Borrowing(AX), $0
	JEQ done
	INCQ ·LazyUnguarded(SB)
done:
	RET
