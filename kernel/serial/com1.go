// Package serial drives COM1, the kernel's console: every line the harness
// reads comes through here.
//
// QEMU's 16550 UART needs no setup to transmit; we still program it (8N1,
// 115200 baud, FIFOs off) so the same kernel talks to a real serial port.
// Register layout: National Semiconductor PC16550D data sheet, Table 2.
package serial

import "tlbrace/asm"

const (
	com1 = 0x3f8

	regData     = 0 // transmit/receive buffer (DLAB=0); divisor low (DLAB=1)
	regIER      = 1 // interrupt enable (DLAB=0); divisor high (DLAB=1)
	regFCR      = 2 // FIFO control
	regLCR      = 3 // line control
	regMCR      = 4 // modem control
	regLSR      = 5 // line status
	lcrDLAB     = 0x80
	lcr8N1      = 0x03
	fcrNoFIFO   = 0x00 // FIFOs off: QEMU clears both FIFOs when FCR.FE changes, losing what was typed during boot
	mcrDTRRTS   = 0x03
	lsrDataRdy  = 0x01 // a received byte is waiting
	lsrTHREmpty = 0x20 // transmit holding register empty
	divisor     = 1    // 115200 baud = 115200 / 1
)

// Init programs the UART: 115200 8N1, no FIFOs, no interrupts (we poll).
func Init() {
	asm.Outb(com1+regIER, 0)
	asm.Outb(com1+regLCR, lcrDLAB)
	asm.Outb(com1+regData, divisor&0xff)
	asm.Outb(com1+regIER, divisor>>8)
	asm.Outb(com1+regLCR, lcr8N1)
	asm.Outb(com1+regFCR, fcrNoFIFO)
	asm.Outb(com1+regMCR, mcrDTRRTS)
}

// PutByte waits until the transmitter can take a byte, then sends it.
//
//go:nosplit
func PutByte(b byte) {
	for asm.Inb(com1+regLSR)&lsrTHREmpty == 0 {
	}
	asm.Outb(com1+regData, b)
}

// Write sends bytes, turning "\n" into "\r\n" for terminals.
func Write(p []byte) {
	for _, b := range p {
		if b == '\n' {
			PutByte('\r')
		}
		PutByte(b)
	}
}

// WriteString is Write for a string, without converting it to a slice.
//
//go:nosplit
func WriteString(s string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			PutByte('\r')
		}
		PutByte(s[i])
	}
}

// TryGetByte returns a received byte, if one is waiting.
func TryGetByte() (byte, bool) {
	if asm.Inb(com1+regLSR)&lsrDataRdy == 0 {
		return 0, false
	}
	return asm.Inb(com1 + regData), true
}
