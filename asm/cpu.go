package asm

// Interrupt flag, halting and identification: Intel SDM Vol. 2.

// Cli clears EFLAGS.IF: maskable interrupts off (CLI).
func Cli()

// Sti sets EFLAGS.IF: maskable interrupts on (STI).
func Sti()

// Hlt waits for the next interrupt (HLT).
func Hlt()

// Pause hints a spin-wait loop to the CPU (PAUSE).
func Pause()

// SaveFlagsCli returns EFLAGS and then clears IF (PUSHF; CLI).
func SaveFlagsCli() uintptr

// RestoreFlags loads EFLAGS saved by SaveFlagsCli (PUSH; POPF).
func RestoreFlags(flags uintptr)

// Flags returns EFLAGS (PUSHF).
func Flags() uintptr

// Rdtsc returns the time-stamp counter (RDTSC).
func Rdtsc() uint64

// Cpuid returns EAX, EBX, ECX, EDX of CPUID leaf eax, subleaf ecx (CPUID).
func Cpuid(eax, ecx uint32) (a, b, c, d uint32)

// Rdmsr reads a model-specific register (RDMSR).
func Rdmsr(msr uint32) uint64

// Wrmsr writes a model-specific register (WRMSR).
func Wrmsr(msr uint32, v uint64)

// Ud2 raises an invalid-opcode exception on purpose (UD2).
func Ud2()

// Int3 raises a breakpoint exception on purpose (INT3).
func Int3()

// EFLAGS bits: Intel SDM Vol. 1 §3.4.3 "EFLAGS Register".
const (
	FlagIF = 1 << 9  // interrupt enable
	FlagRF = 1 << 16 // resume: suppress instruction breakpoints for one instruction
)

// StiHlt enables interrupts and halts (STI; HLT): the STI shadow makes the
// pair atomic, so a wake-up interrupt cannot slip in between.
func StiHlt()

// ExhaustStack pushes onto the stack forever (PUSH in a loop): only a
// guard page stops it. For the kernel's stack-overflow fault test.
func ExhaustStack()
