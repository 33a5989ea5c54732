package smp

import "tlbrace/asm"

// udelay waits us microseconds on the 8254 PIT's channel 2 (Intel 82C54
// data sheet; the same channel kernel/sched calibrates the APIC timer
// with, never at the same time): each step counts down at most 65535
// ticks of 1.193182 MHz (~54 ms) in mode 0 and polls its output.
func udelay(us int) {
	const (
		pitHz       = 1193182
		pitCh2      = 0x42
		pitCmd      = 0x43
		pitGatePort = 0x61 // bit 0: channel 2 gate, bit 5: channel 2 output
		pitCh2Mode0 = 0xb0 // channel 2, lobyte/hibyte, mode 0
	)
	for us > 0 {
		step := us
		if step > 50000 {
			step = 50000
		}
		us -= step
		count := uint16(uint64(step) * pitHz / 1000000)
		if count < 2 {
			count = 2
		}
		gate := asm.Inb(pitGatePort)
		asm.Outb(pitGatePort, gate&^3) // gate low, speaker off
		asm.Outb(pitCmd, pitCh2Mode0)
		asm.Outb(pitCh2, uint8(count))
		asm.Outb(pitCh2, uint8(count>>8))
		asm.Outb(pitGatePort, gate&^3|1) // gate high: count
		for asm.Inb(pitGatePort)&0x20 == 0 {
		}
		asm.Outb(pitGatePort, gate)
	}
}
