package sched

import (
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/mm"
)

// The local APIC timer (Intel SDM Vol. 3A §11.5.4 "APIC Timer"), used in
// one-shot mode and re-armed on every tick with a count drawn from a
// seeded generator, so that ticks land on every instruction of a loop
// instead of aliasing on one (docs/qemu-and-the-window.md).

// Local APIC registers: offsets from the base (SDM Vol. 3A Table 11-1).
const (
	lapicID          = 0x020
	lapicEOI         = 0x0b0
	lapicSVR         = 0x0f0 // spurious-interrupt vector register
	lapicLVTTimer    = 0x320
	lapicInitCount   = 0x380
	lapicCurCount    = 0x390
	lapicDivide      = 0x3e0
	svrEnable        = 1 << 8
	lvtMasked        = 1 << 16
	lvtOneShot       = 0 << 17
	divideBy1        = 0xb // SDM Figure 11-10: divide configuration 1011b
	msrAPICBase      = 0x1b
	apicBaseEnable   = 1 << 11
	cpuidAPICFeature = 1 << 9 // CPUID.01H:EDX.APIC
)

func lapicRead(reg uintptr) uint32 {
	return *(*uint32)(unsafe.Pointer(uintptr(mm.LAPICBase) + reg))
}

func lapicWrite(reg uintptr, v uint32) {
	*(*uint32)(unsafe.Pointer(uintptr(mm.LAPICBase) + reg)) = v
}

// HasLAPIC reports whether the CPU has a local APIC.
func HasLAPIC() bool {
	_, _, _, d := asm.Cpuid(1, 0)
	return d&cpuidAPICFeature != 0
}

// lapicInit enables the local APIC with the timer masked.
func lapicInit(spurious uint8) {
	asm.Wrmsr(msrAPICBase, asm.Rdmsr(msrAPICBase)|apicBaseEnable)
	lapicWrite(lapicSVR, svrEnable|uint32(spurious))
	lapicWrite(lapicDivide, divideBy1)
	lapicWrite(lapicLVTTimer, lvtMasked)
}

// lapicOneShot unmasks the timer in one-shot mode on vector; lapicArm
// then starts each countdown.
func lapicOneShot(vector uint8) { lapicWrite(lapicLVTTimer, lvtOneShot|uint32(vector)) }

// lapicArm starts a one-shot countdown of count timer ticks; writing the
// initial count restarts a countdown in progress (SDM Vol. 3A §11.5.4).
func lapicArm(count uint32) { lapicWrite(lapicInitCount, count) }

// lapicEOIWrite acknowledges the interrupt in service.
func lapicEOIWrite() { lapicWrite(lapicEOI, 0) }
