package mm

// 4-level paging: PML4, PDPT, PD, PT of 512 eight-byte entries each
// (Intel SDM Vol. 3A §4.5, Figure 4-8).
const (
	Levels          = 4
	entriesPerTable = 512
	pteAddrMask     = 0x000ffffffffff000
)

var levelShift = [Levels]uint{39, 30, 21, 12}

// User part of every address space: PML4 slots 1..255. Slot 0 (the first
// 512 GiB) is the kernel's: identity-mapped RAM and the local APIC.
const (
	UserBase = 0x0000_0080_0000_0000
	UserTop  = 0x0000_8000_0000_0000
)
