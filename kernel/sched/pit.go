package sched

import "tlbrace/asm"

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
	calibrateMs  = 10
	pic1Cmd      = 0x20
	pic1Data     = 0x21
	pic2Cmd      = 0xa0
	pic2Data     = 0xa1
	picICW1Init  = 0x11 // ICW1: init, ICW4 needed
	picICW48086  = 0x01 // ICW4: 8086 mode
	picMaskAll   = 0xff
	picVectorLow = 32 // IRQ 0-7 -> 32-39 (trap.VecPICBase)
)

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

// calibrateLAPIC returns the local APIC timer's rate in ticks per second,
// measured against PIT channel 2 over calibrateMs milliseconds.
func calibrateLAPIC() uint64 {
	count := uint16(pitHz * calibrateMs / 1000)
	gate := asm.Inb(pitGatePort)
	asm.Outb(pitGatePort, gate&^3) // gate low, speaker off
	asm.Outb(pitCmd, pitCh2Mode0)
	asm.Outb(pitCh2, uint8(count))
	asm.Outb(pitCh2, uint8(count>>8))
	lapicWrite(lapicLVTTimer, lvtMasked)
	lapicWrite(lapicInitCount, 0xffffffff)
	asm.Outb(pitGatePort, gate&^3|1) // gate high: channel 2 counts
	for asm.Inb(pitGatePort)&0x20 == 0 {
	}
	elapsed := 0xffffffff - lapicRead(lapicCurCount)
	lapicWrite(lapicInitCount, 0)
	asm.Outb(pitGatePort, gate)
	return uint64(elapsed) * (1000 / calibrateMs)
}
