package asm

// Descriptor tables and segment registers: Intel SDM Vol. 3A §3.5 "System
// Descriptor Types" and §6.10 "Interrupt Descriptor Table".

// Lgdt loads GDTR from the 6-byte (386) or 10-byte (amd64) pseudo-descriptor at p (LGDT).
func Lgdt(p uintptr)

// Lidt loads IDTR from the pseudo-descriptor at p (LIDT).
func Lidt(p uintptr)

// Ltr loads the task register with a TSS selector (LTR).
func Ltr(sel uint16)

// LoadSegments reloads CS (far return), the data segments, and (386) GS with the TLS selector.
func LoadSegments(code, data, tls uint16)

// LoadDS loads the DS segment register (MOV to DS); a selector outside the GDT raises #GP.
func LoadDS(sel uint16)
