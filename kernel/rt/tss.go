package rt

import "unsafe"

// The task-state segment: Intel SDM Vol. 3A §7.2.1 (32-bit) and §8.7 (64-bit).
// We use it only for what the CPU needs on a privilege change: the kernel
// stack to switch to when an interrupt or system call arrives from ring 3
// (esp0/rsp0), and on amd64 the IST stacks. Words are kept as uint32 so the
// unaligned 64-bit fields of the amd64 layout stay exact.
type tssWords [26]uint32

var tss tssWords

// TSS offsets in 32-bit words.
const (
	tss386ESP0   = 1  // 32-bit TSS: ESP0 at byte 4
	tss386SS0    = 2  // SS0 at byte 8
	tss64RSP0    = 1  // 64-bit TSS: RSP0 at byte 4 (two words)
	tss64IST1    = 9  // IST1 at byte 36 (two words)
	tssIOMapWord = 25 // I/O map base in the upper half of the word at byte 100
	tssSize      = 104
)

// SetKernelStack sets the stack the CPU switches to on entry from ring 3.
// The scheduler calls it on every switch to a task, with that task's
// kernel stack top.
//
//go:nosplit
func SetKernelStack(top uintptr) {
	tss[tss386ESP0] = uint32(top)
	if unsafe.Sizeof(top) == 8 {
		tss[tss386ESP0+1] = uint32(uint64(top) >> 32)
	}
}
