// Package trap owns the IDT and every way into the kernel from an
// interrupt, an exception or a system call.
//
// The entry stubs (entry_*.s) save the interrupted context as a Frame on
// the interrupted stack, switch to the interrupt stack and its own g, and
// call dispatch. After dispatch returns they switch back and call
// afterTrap on the interrupted stack: that is the CONFIG_PREEMPT
// preemption point ("preempt on return from interrupt"), where the
// scheduler may switch to another task before the frame is restored and
// IRET resumes whatever was interrupted — possibly a lazy-TLB kernel thread
// halfway through `mov %cr3,%reg ; mov %reg,%cr3`.
package trap
