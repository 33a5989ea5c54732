package tests

import (
	"debug/elf"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"golang.org/x/arch/x86/x86asm"
)

var windowRE = regexp.MustCompile(`flush windows: local read (0x[0-9a-f]+) write (0x[0-9a-f]+), global read (0x[0-9a-f]+) write (0x[0-9a-f]+)`)

// TestFlushWindowsDecode asks each kernel where its flush windows are (the
// addresses its window-hit counters and breakpoint injector use) and
// decodes the kernel ELF's machine code there with x86asm: the read must
// be `mov %cr3, reg` and the write `mov reg, %cr3`, with the same reg.
func TestFlushWindowsDecode(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		r := boot(t, arch, 30*time.Second, "test=asm.flush_windows")
		l, ok := r.Find("    flush windows:")
		m := windowRE.FindStringSubmatch(l.Text)
		if !ok || m == nil {
			t.Fatalf("kernel did not print its flush windows\n%s", r)
		}
		f, err := elf.Open(filepath.Join("..", "build", arch, "kernel.elf"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		mode := 32
		if f.Class == elf.ELFCLASS64 {
			mode = 64
		}
		for i, want := range []string{"read", "write", "read", "write"} {
			addr, _ := strconv.ParseUint(m[i+1], 0, 64)
			inst, err := decodeAt(f, addr, mode)
			if err != nil {
				t.Fatalf("%s at %#x: %v", want, addr, err)
			}
			var okInst bool
			switch want {
			case "read":
				okInst = inst.Op == x86asm.MOV && inst.Args[1] == x86asm.CR3
			case "write":
				okInst = inst.Op == x86asm.MOV && inst.Args[0] == x86asm.CR3
			}
			if !okInst {
				t.Errorf("window %d (%s) at %#x decodes to %q, not a CR3 %s", i, want, addr, x86asm.GNUSyntax(inst, addr, nil), want)
			}
		}
	})
}

// decodeAt decodes the instruction at a virtual address of the ELF.
func decodeAt(f *elf.File, addr uint64, mode int) (x86asm.Inst, error) {
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD || addr < p.Vaddr || addr >= p.Vaddr+p.Filesz {
			continue
		}
		buf := make([]byte, 16)
		if _, err := p.ReadAt(buf, int64(addr-p.Vaddr)); err != nil {
			return x86asm.Inst{}, err
		}
		inst, err := x86asm.Decode(buf, mode)
		if err == nil && inst.Op == 0 {
			err = fmt.Errorf("undecodable bytes % x", buf[:4])
		}
		return inst, err
	}
	return x86asm.Inst{}, fmt.Errorf("address %#x is in no loaded segment", addr)
}
