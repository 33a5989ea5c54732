package trap

import "testing"

func TestGate32(t *testing.T) {
	// Interrupt gate to 0x00123456 through selector 0x08: the layout every
	// 32-bit kernel uses (offset split 16/16, type 0x8e).
	got := gate32(0x00123456, 0x08, gatePresent|gateInterrupt)
	if want := uint64(0x00128e0000083456); got != want {
		t.Errorf("gate32 = %#016x, want %#016x", got, want)
	}
	if got := gate32(0, 0x40, gatePresent|gateTask); got != 0x0000850000400000 {
		t.Errorf("task gate = %#016x", got)
	}
}

func TestGate64(t *testing.T) {
	lo, hi := gate64(0xffff8000_00123456, 0x08, 1, gatePresent|gateInterrupt|gateDPL3)
	if lo != 0x0012ee0100083456 || hi != 0xffff8000 {
		t.Errorf("gate64 = %#016x %#016x", lo, hi)
	}
}

func TestVectorName(t *testing.T) {
	if VectorName(14) != "page fault (#PF)" || VectorName(VecSyscall) != "system call" {
		t.Error("names moved")
	}
}
