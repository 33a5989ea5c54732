package mm

import "testing"

func TestVMAList(t *testing.T) {
	var l VMAList
	b := uintptr(UserBase)
	if r := l.Add(b+0x10000, b+0x20000, PermRead|PermWrite); r != VMAOK {
		t.Fatal(r)
	}
	if r := l.Add(b, b+0x2000, PermRead|PermExec); r != VMAOK {
		t.Fatal(r)
	}
	cases := []struct {
		s, e uintptr
		want int
	}{
		{b + 0x1000, b + 0x3000, VMAOverlap},
		{b + 0x1f000, b + 0x21000, VMAOverlap},
		{b + 0x123, b + 0x3000, VMAUnaligned},
		{b + 0x3000, b + 0x3000, VMAUnaligned},
		{0x1000, 0x2000, VMAOutsideUser},
		{UserTop - 0x1000, UserTop + 0x1000, VMAOutsideUser},
	}
	for _, c := range cases {
		if r := l.Add(c.s, c.e, PermRead); r != c.want {
			t.Errorf("Add(%#x,%#x) = %d, want %d", c.s, c.e, r, c.want)
		}
	}
	if all := l.All(); len(all) != 2 || all[0].Start != b {
		t.Fatalf("not sorted: %+v", all)
	}
	if v := l.Find(b + 0x1fff); v == nil || !v.Allows(false, true) || v.Allows(true, false) {
		t.Error("text VMA permissions")
	}
	if l.Find(b+0x2000) != nil {
		t.Error("hole found")
	}
	if !l.CoversRange(b+0x10000, 0x10000, true) || l.CoversRange(b+0x10000, 0x10001, true) {
		t.Error("CoversRange at the end of a VMA")
	}
	if l.CoversRange(b, 0x100, true) || !l.CoversRange(b, 0x100, false) {
		t.Error("CoversRange ignores permissions")
	}
	if l.CoversRange(^uintptr(0)-4, 16, false) {
		t.Error("wrapping range accepted")
	}
	for i := 0; i < MaxVMAs-2; i++ {
		l.Add(b+0x100000+uintptr(i)*0x1000, b+0x101000+uintptr(i)*0x1000, PermRead)
	}
	if l.Add(b+0x200000, b+0x201000, PermRead) != VMAFull {
		t.Error("no VMAFull")
	}
}
