package rt

import (
	"testing"
	"unsafe"
)

// TestTSSLayout checks the 64-bit TSS against Intel SDM Vol. 3A §8.7,
// Figure 8-11: every field at the figure's byte offset, although Go would
// put a uint64 field only at a multiple of 8.
func TestTSSLayout(t *testing.T) {
	var s TSS
	for _, f := range []struct {
		name      string
		got, want uintptr
	}{
		{"RSP0", unsafe.Offsetof(s.RSP0), 4},
		{"RSP1", unsafe.Offsetof(s.RSP1), 12},
		{"RSP2", unsafe.Offsetof(s.RSP2), 20},
		{"IST1", unsafe.Offsetof(s.IST1), 36},
		{"IST2", unsafe.Offsetof(s.IST2), 44},
		{"IST3", unsafe.Offsetof(s.IST3), 52},
		{"IST4", unsafe.Offsetof(s.IST4), 60},
		{"IST5", unsafe.Offsetof(s.IST5), 68},
		{"IST6", unsafe.Offsetof(s.IST6), 76},
		{"IST7", unsafe.Offsetof(s.IST7), 84},
		{"IOMapBase", unsafe.Offsetof(s.IOMapBase), 102},
		{"size", unsafe.Sizeof(s), tssSize},
	} {
		if f.got != f.want {
			t.Errorf("TSS.%s at %d, Figure 8-11 has it at %d", f.name, f.got, f.want)
		}
	}
}

// TestSetKernelStack checks that RSP0 (not the 32-bit ESP0 slot, not IST1)
// receives the stack, as a little-endian quadword at byte 4.
func TestSetKernelStack(t *testing.T) {
	var tss TSS
	tss.setKernelStack(0xffff8000_12345678)
	if got := tss.RSP0.Get(); got != 0xffff8000_12345678 {
		t.Errorf("RSP0 = %#x", got)
	}
	b := (*[tssSize]byte)(unsafe.Pointer(&tss))
	want := []byte{0x78, 0x56, 0x34, 0x12, 0x00, 0x80, 0xff, 0xff}
	for i, w := range want {
		if b[4+i] != w {
			t.Fatalf("bytes 4..11 = % x, want % x", b[4:12], want)
		}
	}
	if tss.IST1.Get() != 0 || tss.RSP1.Get() != 0 {
		t.Errorf("setKernelStack wrote beyond RSP0: % x", b[:44])
	}
}
