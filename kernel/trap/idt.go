package trap

// Gate descriptors: Intel SDM Vol. 3A §6.11 (32-bit, Figure 6-2) and
// §6.14.1 (64-bit, Figure 6-8).
const (
	gatePresent   = 1 << 7
	gateDPL3      = 3 << 5 // reachable from ring 3 with INT n (only the syscall gate)
	gateInterrupt = 0xe    // 32/64-bit interrupt gate: clears IF on entry
	gateTask      = 0x5    // 386 task gate (the double fault)
)

// gate32 encodes a 386 gate: handler offset, code selector, type/attribute byte.
func gate32(off uint32, sel uint16, attr uint8) uint64 {
	return uint64(off&0xffff) | uint64(sel)<<16 | uint64(attr)<<40 | uint64(off>>16)<<48
}

// gate64 encodes an amd64 gate as two quadwords; ist selects an IST stack (0 = none).
func gate64(off uint64, sel uint16, ist uint8, attr uint8) (lo, hi uint64) {
	lo = off&0xffff | uint64(sel)<<16 | uint64(ist&7)<<32 | uint64(attr)<<40 | (off>>16&0xffff)<<48
	hi = off >> 32
	return lo, hi
}
