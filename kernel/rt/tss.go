package rt

import "unsafe"

// The task-state segment: Intel SDM Vol. 3A §8.2.1 (32-bit, Figure 8-2:
// tss_386.go) and §8.7 (64-bit, Figure 8-11: tss_amd64.go). The kernel
// uses it for what the CPU needs on a privilege change — the kernel stack
// to switch to when an interrupt or system call arrives from ring 3
// (ESP0/RSP0) — and for the double fault: an IST stack on amd64, a task
// of its own on 386 (doublefault_386.go).

// tssSize is the size of both layouts (the figures' offsets 0..103; the
// newer SSP field at 104 is for shadow stacks, which the kernel does not
// enable). The TSS descriptor's limit is tssSize-1.
const tssSize = 104

// tssNoIOMap is the I/O map base that means "no I/O permission bit map":
// one at or past the segment limit (Intel SDM Vol. 1, "I/O Permission Bit
// Map"), so ring 3 gets #GP on every IN/OUT.
const tssNoIOMap = tssSize

// The layout must be exactly tssSize bytes on both architectures: these
// arrays have a negative length, a compile error, if TSS is larger or
// smaller. tss_*_test.go checks every field's offset.
var (
	_ [tssSize - unsafe.Sizeof(TSS{})]byte
	_ [unsafe.Sizeof(TSS{}) - tssSize]byte
)
