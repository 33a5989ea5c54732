package rt

import "testing"

// Known-good encodings, as in every x86 tutorial and Linux's GDT_ENTRY_INIT.
func TestDescriptor(t *testing.T) {
	cases := []struct {
		name          string
		base, limit   uint32
		access, flags uint8
		want          uint64
	}{
		{"386 kernel code", 0, 0xfffff, accPresent | accSegment | accCode | accRW, flagGran4K | flagDB32, 0x00cf9a000000ffff},
		{"386 kernel data", 0, 0xfffff, accPresent | accSegment | accRW, flagGran4K | flagDB32, 0x00cf92000000ffff},
		{"386 user code", 0, 0xfffff, accPresent | accDPL3 | accSegment | accCode | accRW, flagGran4K | flagDB32, 0x00cffa000000ffff},
		{"amd64 kernel code", 0, 0xfffff, accPresent | accSegment | accCode | accRW, flagGran4K | flagLong, 0x00af9a000000ffff},
		{"TSS at 0x12345678", 0x12345678, 103, accPresent | accTSSAvail, 0, 0x1200893456780067},
	}
	for _, c := range cases {
		if got := descriptor(c.base, c.limit, c.access, c.flags); got != c.want {
			t.Errorf("%s: got %#016x, want %#016x", c.name, got, c.want)
		}
	}
}

func TestSelectors(t *testing.T) {
	if KernelCS != 0x08 || KernelDS != 0x10 || UserCS != 0x1b || UserDS != 0x23 || TSSSel != 0x28 {
		t.Errorf("selectors moved: CS %#x DS %#x UCS %#x UDS %#x TSS %#x", KernelCS, KernelDS, UserCS, UserDS, TSSSel)
	}
}

func TestPseudoDescriptor(t *testing.T) {
	var p pseudoDescriptor
	p.set(0x11223344, 64)
	want := pseudoDescriptor{63, 0, 0x44, 0x33, 0x22, 0x11}
	if p != want {
		t.Errorf("got % x, want % x", p, want)
	}
}
