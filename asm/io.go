package asm

// Port I/O: Intel SDM Vol. 1 §19 "Input/Output".

// Outb writes a byte to an I/O port (OUT).
func Outb(port uint16, v uint8)

// Inb reads a byte from an I/O port (IN).
func Inb(port uint16) uint8

// Outl writes a 32-bit word to an I/O port (OUT).
func Outl(port uint16, v uint32)
