package mm

// 32-bit paging: two levels of 1024 four-byte entries (Intel SDM Vol. 3A
// §4.3, Figure 4-2): page directory (bits 31:22), page table (21:12).
const (
	Levels          = 2
	entriesPerTable = 1024
	pteAddrMask     = 0xfffff000
)

var levelShift = [Levels]uint{22, 12}

// User part of every address space: 1 GiB to 3 GiB. Below is the kernel's
// identity map of RAM (MaxPhys = 1 GiB); above it the local APIC.
const (
	UserBase = 0x40000000
	UserTop  = 0xc0000000
)
