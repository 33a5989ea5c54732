package sched

import "tlbrace/kernel/apic"

// The local APIC timer (Intel SDM Vol. 3A §11.5.4 "APIC Timer"), used in
// one-shot mode and re-armed on every tick with a count drawn from a
// seeded generator, so that ticks land on every instruction of a loop
// instead of aliasing on one (docs/qemu-and-the-window.md). Each CPU has
// its own; kernel/apic reaches the registers.

// HasLAPIC reports whether the CPU has a local APIC.
func HasLAPIC() bool { return apic.Present() }

func lapicArm(count uint32) { apic.TimerArm(count) }

func lapicEOIWrite() { apic.EOI() }
