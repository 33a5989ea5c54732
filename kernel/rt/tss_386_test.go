package rt

import (
	"testing"
	"unsafe"
)

// TestTSSLayout checks the 32-bit TSS against Intel SDM Vol. 3A §8.2.1,
// Figure 8-2: every field at the figure's byte offset.
func TestTSSLayout(t *testing.T) {
	var s TSS
	for _, f := range []struct {
		name      string
		got, want uintptr
	}{
		{"PrevTaskLink", unsafe.Offsetof(s.PrevTaskLink), 0},
		{"ESP0", unsafe.Offsetof(s.ESP0), 4},
		{"SS0", unsafe.Offsetof(s.SS0), 8},
		{"ESP1", unsafe.Offsetof(s.ESP1), 12},
		{"SS1", unsafe.Offsetof(s.SS1), 16},
		{"ESP2", unsafe.Offsetof(s.ESP2), 20},
		{"SS2", unsafe.Offsetof(s.SS2), 24},
		{"CR3", unsafe.Offsetof(s.CR3), 28},
		{"EIP", unsafe.Offsetof(s.EIP), 32},
		{"EFLAGS", unsafe.Offsetof(s.EFLAGS), 36},
		{"EAX", unsafe.Offsetof(s.EAX), 40},
		{"ECX", unsafe.Offsetof(s.ECX), 44},
		{"EDX", unsafe.Offsetof(s.EDX), 48},
		{"EBX", unsafe.Offsetof(s.EBX), 52},
		{"ESP", unsafe.Offsetof(s.ESP), 56},
		{"EBP", unsafe.Offsetof(s.EBP), 60},
		{"ESI", unsafe.Offsetof(s.ESI), 64},
		{"EDI", unsafe.Offsetof(s.EDI), 68},
		{"ES", unsafe.Offsetof(s.ES), 72},
		{"CS", unsafe.Offsetof(s.CS), 76},
		{"SS", unsafe.Offsetof(s.SS), 80},
		{"DS", unsafe.Offsetof(s.DS), 84},
		{"FS", unsafe.Offsetof(s.FS), 88},
		{"GS", unsafe.Offsetof(s.GS), 92},
		{"LDTSelector", unsafe.Offsetof(s.LDTSelector), 96},
		{"T", unsafe.Offsetof(s.T), 100},
		{"IOMapBase", unsafe.Offsetof(s.IOMapBase), 102},
		{"size", unsafe.Sizeof(s), tssSize},
	} {
		if f.got != f.want {
			t.Errorf("TSS.%s at %d, Figure 8-2 has it at %d", f.name, f.got, f.want)
		}
	}
}

func TestSetKernelStack(t *testing.T) {
	var tss TSS
	tss.setKernelStack(0x12345678)
	if tss.ESP0 != 0x12345678 {
		t.Errorf("ESP0 = %#x", tss.ESP0)
	}
	if b := (*[tssSize]byte)(unsafe.Pointer(&tss)); b[4] != 0x78 || b[7] != 0x12 {
		t.Errorf("ESP0 is not the little-endian word at byte 4: % x", b[:12])
	}
}
