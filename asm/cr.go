package asm

// Control registers: Intel SDM Vol. 3A §2.5 "Control Registers".

// ReadCR0 returns CR0 (MOV from CR0).
func ReadCR0() uintptr

// WriteCR0 loads CR0 (MOV to CR0).
func WriteCR0(v uintptr)

// ReadCR2 returns CR2, the linear address of the last page fault.
func ReadCR2() uintptr

// ReadCR3 returns CR3, the physical address of the current top-level page table.
func ReadCR3() uintptr

// WriteCR3 loads CR3, switching page tables and flushing non-global TLB entries.
func WriteCR3(v uintptr)

// ReadCR4 returns CR4 (MOV from CR4).
func ReadCR4() uintptr

// WriteCR4 loads CR4 (MOV to CR4); toggling CR4.PGE flushes global TLB entries too.
func WriteCR4(v uintptr)

// CR4PGE is CR4.PGE, page global enable (Intel SDM Vol. 3A §2.5): global
// TLB entries survive CR3 writes, and clearing the bit flushes them.
// FlushTLBGlobalRaw (tlb_*.s) clears it as const_CR4PGE from go_asm.h.
const CR4PGE = 1 << 7

// Invlpg invalidates the TLB entry for one linear address (INVLPG).
func Invlpg(va uintptr)
