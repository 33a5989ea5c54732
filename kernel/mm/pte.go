package mm

// PTE is one page-table entry at any level. The flag bits below sit at the
// same positions in the 32-bit (Intel SDM Vol. 3A §4.3, Table 4-6) and the
// 4-level (§4.5, Table 4-19) formats, so one type serves both.
type PTE uintptr

const (
	PTEPresent  PTE = 1 << 0 // P: the entry maps something
	PTEWritable PTE = 1 << 1 // R/W: writes allowed
	PTEUser     PTE = 1 << 2 // U/S: ring 3 may access
	PTEWriteThr PTE = 1 << 3 // PWT
	PTENoCache  PTE = 1 << 4 // PCD: for MMIO such as the local APIC
	PTEAccessed PTE = 1 << 5 // A: set by the CPU on access
	PTEDirty    PTE = 1 << 6 // D: set by the CPU on write
	PTEHuge     PTE = 1 << 7 // PS in a directory entry (unused: 4 KiB pages only)
	PTEGlobal   PTE = 1 << 8 // G: survives CR3 writes while CR4.PGE=1
)

// Addr returns the physical address the entry points at.
func (e PTE) Addr() uintptr { return uintptr(e & pteAddrMask) }

// Flags returns the entry's flag bits.
func (e PTE) Flags() PTE { return e &^ pteAddrMask }

// Has reports whether all of the given flags are set.
func (e PTE) Has(f PTE) bool { return e&f == f }

// MakePTE builds an entry for a page-aligned physical address.
func MakePTE(pa uintptr, flags PTE) PTE { return PTE(pa)&pteAddrMask | flags }

// Permits reports whether the entry allows an access: the question the
// page-fault handler asks of the *scheduler's* mm to recognise the race
// ("the PTE is present and permits this, yet the CPU faulted").
func (e PTE) Permits(write, user bool) bool {
	if !e.Has(PTEPresent) {
		return false
	}
	if write && !e.Has(PTEWritable) {
		return false
	}
	return !user || e.Has(PTEUser)
}

// index returns va's entry index in a table of the given level
// (level 0 is the top: the page directory on 386, the PML4 on amd64).
func index(va uintptr, level int) int {
	return int(va>>levelShift[level]) & (entriesPerTable - 1)
}
