package trap

import "tlbrace/kernel/rt"

var idt [numVectors][2]uint64

// istDoubleFault is the IST slot the double fault runs on (rt.SetupCPU
// fills each CPU's IST1): a kernel stack overflow into a guard page must not try to
// push the #DF frame onto the same overflowed stack.
const istDoubleFault = 1

func setGate(v, addr uintptr, user bool) {
	attr := uint8(gatePresent | gateInterrupt)
	if user {
		attr |= gateDPL3
	}
	var ist uint8
	if v == VecDoubleFault {
		ist = istDoubleFault
	}
	idt[v][0], idt[v][1] = gate64(uint64(addr), rt.KernelCS, ist, attr)
}

func archInitCPU(int) {}

// SetDoubleFaultCR3 is a no-op on amd64: the double fault runs on IST1
// in the current address space (every one maps the kernel).
func SetDoubleFaultCR3(root uintptr) {}
