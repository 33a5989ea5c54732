package sched

import (
	"tlbrace/asm"
	"tlbrace/kernel/apic"
)

// The 8254 PIT (Intel 82C54 data sheet) calibrates the local APIC timer:
// channel 2 counts down a known interval while the APIC timer runs free.
// The legacy 8259 PICs are remapped away from the exception vectors and
// masked: the local APIC is the only interrupt source.
const (
	pitHz        = 1193182
	pitCh2       = 0x42
	pitCmd       = 0x43
	pitGatePort  = 0x61 // bit 0: channel 2 gate, bit 5: channel 2 output
	pitCh2Mode0  = 0xb0 // channel 2, lobyte/hibyte, mode 0 (interrupt on terminal count)
	pic1Cmd      = 0x20
	pic1Data     = 0x21
	pic2Cmd      = 0xa0
	pic2Data     = 0xa1
	picICW1Init  = 0x11 // ICW1: init, ICW4 needed
	picICW48086  = 0x01 // ICW4: 8086 mode
	picMaskAll   = 0xff
	picVectorLow = 32 // IRQ 0-7 -> 32-39 (trap.VecPICBase)
	picEOI       = 0x20
	pitCh0       = 0x40
	pitCh0Mode0  = 0x30 // channel 0, lobyte/hibyte, mode 0 (interrupt on terminal count)
	irq0Unmasked = 0xfe // master PIC mask with only IRQ 0 (the PIT) open
)

// The PIT as the scheduler tick, for CPUs without a local APIC: channel 0
// in mode 0 is a one-shot too — each tick writes a new jittered count —
// and its IRQ 0 arrives through the master PIC at vector 32, the same
// vector the APIC timer uses.

// pitArm starts a one-shot countdown of count PIT ticks (at most 65535).
func pitArm(count uint32) {
	if count > 0xffff {
		count = 0xffff
	}
	if count < 2 {
		count = 2
	}
	asm.Outb(pitCmd, pitCh0Mode0)
	asm.Outb(pitCh0, uint8(count))
	asm.Outb(pitCh0, uint8(count>>8))
}

// pitEnable unmasks IRQ 0 on the master PIC (remapped by picDisable).
func pitEnable() { asm.Outb(pic1Data, irq0Unmasked) }

// pitEOI acknowledges IRQ 0 at the master PIC.
func pitEOI() { asm.Outb(pic1Cmd, picEOI) }

// picDisable remaps both PICs to vectors 32-47 and masks every line.
func picDisable() {
	asm.Outb(pic1Cmd, picICW1Init)
	asm.Outb(pic2Cmd, picICW1Init)
	asm.Outb(pic1Data, picVectorLow)
	asm.Outb(pic2Data, picVectorLow+8)
	asm.Outb(pic1Data, 4) // slave on IRQ 2
	asm.Outb(pic2Data, 2)
	asm.Outb(pic1Data, picICW48086)
	asm.Outb(pic2Data, picICW48086)
	asm.Outb(pic1Data, picMaskAll)
	asm.Outb(pic2Data, picMaskAll)
}

// calibrateLAPIC returns the local APIC timer's rate in ticks per second:
// the lowest of calibrateRuns measurements against PIT channel 2. A host
// that deschedules QEMU between the PIT's terminal count and the read of
// the LAPIC's count inflates a measurement, never deflates one: under
// plain TCG on a loaded machine one came out at 23 GHz for QEMU's 1 GHz
// timer, every tick 23 times too long, a 3-second fuzz run 90 seconds of
// ticks (found by TestFuzz). Under -icount every run measures the same.
//
// It also sets tscPerCount from the run it keeps: the TSC cycles the
// same interval took, per LAPIC count.
func calibrateLAPIC() uint64 {
	rate, tsc := calibrateOnce()
	for i := 1; i < calibrateRuns; i++ {
		if r, t := calibrateOnce(); r < rate {
			rate, tsc = r, t
		}
	}
	tscPerCount = tsc
	return rate
}

// calibrateRuns: measurements calibrateLAPIC takes, calibrateUs each: 298
// PIT counts, the rate to within 0.4 %. The PIT counts host time under
// plain TCG, so each microsecond here is one of every boot's: three of
// 1 ms were 2.4 % of the time to the ready line.
const (
	calibrateRuns = 3
	calibrateUs   = 250
)

// calibrateOnce measures the LAPIC timer's rate against PIT channel 2
// over calibrateUs microseconds, and the TSC's cycles per LAPIC count
// over the same interval (16.16 fixed point).
func calibrateOnce() (rate, tscPerCount uint64) {
	count := uint16(pitHz * calibrateUs / 1000000)
	gate := asm.Inb(pitGatePort)
	asm.Outb(pitGatePort, gate&^3) // gate low, speaker off
	asm.Outb(pitCmd, pitCh2Mode0)
	asm.Outb(pitCh2, uint8(count))
	asm.Outb(pitCh2, uint8(count>>8))
	apic.Write(apic.RegLVTTimer, apic.LVTMasked)
	apic.Write(apic.RegInitCount, 0xffffffff)
	tsc := asm.Rdtsc()
	asm.Outb(pitGatePort, gate&^3|1) // gate high: channel 2 counts
	for asm.Inb(pitGatePort)&0x20 == 0 {
	}
	elapsed := 0xffffffff - apic.Read(apic.RegCurCount)
	tsc = asm.Rdtsc() - tsc
	apic.Write(apic.RegInitCount, 0)
	asm.Outb(pitGatePort, gate)
	return uint64(elapsed) * pitHz / uint64(count), // count PIT ticks last count/pitHz s
		tsc << 16 / max(uint64(elapsed), 1)
}
