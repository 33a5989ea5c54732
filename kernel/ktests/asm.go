package ktests

import (
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/ktest"
)

// testFlushWindows checks the flush windows asm.Windows reports — the
// addresses the window-hit counters and the injector rely on — against
// the machine code there: `mov %cr3,%eax` (0f 20 d8) at the read and
// `mov %eax,%cr3` (0f 22 d8) at the write (Intel SDM Vol. 2B "MOV—Move
// to/from Control Registers"; REX-free in both modes). The host test
// tests/windows_test.go decodes the same addresses with x86asm.
func testFlushWindows(t *ktest.T) {
	w := asm.Windows()
	t.Logf("flush windows: local read %#x write %#x, global read %#x write %#x",
		w.ReadLocal, w.WriteLocal, w.ReadGlobal, w.WriteGlobal)
	check := func(what string, at uintptr, modrm byte, op byte) {
		b := (*[3]byte)(unsafe.Pointer(at))
		t.Check(b[0] == 0x0f && b[1] == op && b[2] == modrm, "%s at %#x: bytes % x, want 0f %x %x", what, at, b[:], op, modrm)
	}
	check("local CR3 read", w.ReadLocal, 0xd8, 0x20)
	check("local CR3 write", w.WriteLocal, 0xd8, 0x22)
	check("global CR3 read", w.ReadGlobal, 0xd8, 0x20)
	check("global CR3 write", w.WriteGlobal, 0xd8, 0x22)
	t.Check(w.WriteLocal == w.ReadLocal+3 && w.WriteGlobal == w.ReadGlobal+3, "the write does not follow the read")
}
