// Package apic drives the local APIC (xAPIC, memory-mapped; Intel SDM Vol.
// 3A Chapter 11): each CPU's own interrupt controller. The scheduler uses
// its timer for the tick, kernel/smp its interrupt command register to
// start the other processors and to send them inter-processor interrupts
// (TLB shootdowns, reschedules).
//
// Every CPU sees its own local APIC at the same address (Base): the same
// register write means "my timer", "my EOI", "send from me".
package apic

import (
	"unsafe"

	"tlbrace/asm"
)

// Base is the local APIC's MMIO page (SDM Vol. 3A §11.4.1, the
// IA32_APIC_BASE default); kernel/mm maps it in every address space.
const Base = 0xfee00000

// Registers: offsets from Base (SDM Vol. 3A Table 11-1). QEMU ignores
// accesses narrower than 32 bits: every access here is a whole word.
const (
	RegID        = 0x020 // bits 31:24: this CPU's APIC id
	RegEOI       = 0x0b0
	RegSVR       = 0x0f0 // spurious-interrupt vector register
	RegICRLow    = 0x300 // interrupt command register; writing it sends
	RegICRHigh   = 0x310 // bits 31:24: the destination APIC id
	RegLVTTimer  = 0x320
	RegInitCount = 0x380
	RegCurCount  = 0x390
	RegDivide    = 0x3e0
)

// Register bits.
const (
	SVREnable  = 1 << 8
	LVTMasked  = 1 << 16
	LVTOneShot = 0 << 17
	DivideBy1  = 0xb // SDM Figure 11-10: divide configuration 1011b

	msrAPICBase      = 0x1b    // IA32_APIC_BASE (SDM Vol. 4 Table 2-2)
	apicBaseEnable   = 1 << 11 // its global enable bit
	cpuidAPICFeature = 1 << 9  // CPUID.01H:EDX.APIC
)

// Read returns a register.
//
//go:nosplit
func Read(reg uintptr) uint32 { return *(*uint32)(unsafe.Pointer(uintptr(Base) + reg)) }

// Write sets a register.
//
//go:nosplit
func Write(reg uintptr, v uint32) { *(*uint32)(unsafe.Pointer(uintptr(Base) + reg)) = v }

// Present reports whether the CPU has a local APIC.
func Present() bool {
	_, _, _, d := asm.Cpuid(1, 0)
	return d&cpuidAPICFeature != 0
}

// ID returns this CPU's local APIC id.
func ID() uint32 { return Read(RegID) >> 24 }

// Enable turns this CPU's local APIC on with the given spurious vector and
// its timer masked.
func Enable(spurious uint8) {
	asm.Wrmsr(msrAPICBase, asm.Rdmsr(msrAPICBase)|apicBaseEnable)
	Write(RegSVR, SVREnable|uint32(spurious))
	Write(RegDivide, DivideBy1)
	Write(RegLVTTimer, LVTMasked)
}

// EOI acknowledges the interrupt in service.
//
//go:nosplit
func EOI() { Write(RegEOI, 0) }

// TimerOneShot unmasks the timer in one-shot mode on vector; TimerArm then
// starts each countdown.
func TimerOneShot(vector uint8) { Write(RegLVTTimer, LVTOneShot|uint32(vector)) }

// TimerArm starts a one-shot countdown of count timer ticks; writing the
// initial count restarts a countdown in progress (SDM Vol. 3A §11.5.4).
func TimerArm(count uint32) { Write(RegInitCount, count) }
