package trap

import "tlbrace/kernel/rt"

var idt [numVectors]uint64

func setGate(v, addr uintptr, user bool) {
	attr := uint8(gatePresent | gateInterrupt)
	if user {
		attr |= gateDPL3
	}
	idt[v] = gate32(uint32(addr), rt.KernelCS, attr)
}
