package tests

import (
	"debug/elf"
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"

	"tlbrace/tools/qemu"
)

// TestPreemptFastPathIsTheKernels: the kernels `make` builds carry
// kernel/preempt's fast paths without the host tests' override
// (-D=TLBRACE_KERNEL, the Makefile's KERNEL_ASMFLAGS): preempt.Disable,
// Enable and Current never read preempt.override. Without the flag every
// guarded flush costs six instructions more, and the stress flushers hit
// a window that much less often (docs/performance.md). And the lookup is
// two loads, with no test for a g without a task (every g has a State:
// preempt.AttachCPU): Disable is those two, its increment and RET.
func TestPreemptFastPathIsTheKernels(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		path, err := qemu.Kernel(arch)
		if err != nil {
			t.Fatal(err)
		}
		f, err := elf.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		syms, err := f.Symbols()
		if err != nil {
			t.Fatal(err)
		}
		mode := 32
		if f.Class == elf.ELFCLASS64 {
			mode = 64
		}
		var override uint64
		funcs := map[string]elf.Symbol{}
		for _, s := range syms {
			switch s.Name {
			case "tlbrace/kernel/preempt.override":
				override = s.Value
			case "tlbrace/kernel/preempt.Disable", "tlbrace/kernel/preempt.Disable.abi0",
				"tlbrace/kernel/preempt.Enable", "tlbrace/kernel/preempt.Enable.abi0",
				"tlbrace/kernel/preempt.Current", "tlbrace/kernel/preempt.Current.abi0":
				funcs[s.Name] = s
			}
		}
		if override == 0 || len(funcs) < 3 {
			t.Fatalf("%s: preempt.override at %#x, fast paths found: %d", path, override, len(funcs))
		}
		for name, s := range funcs {
			n, branches := 0, 0
			for pc := s.Value; pc < s.Value+s.Size; {
				inst, err := decodeAt(f, pc, mode)
				if err != nil {
					t.Fatalf("%s+%#x: %v", name, pc-s.Value, err)
				}
				for _, a := range inst.Args {
					if m, ok := a.(x86asm.Mem); ok && uint64(m.Disp) == override && m.Base == 0 ||
						ok && m.Base == x86asm.RIP && pc+uint64(inst.Len)+uint64(m.Disp) == override {
						t.Errorf("%s: %s reads preempt.override: built without -D=TLBRACE_KERNEL", name, x86asm.GNUSyntax(inst, pc, nil))
					}
				}
				if inst.Op >= x86asm.JA && inst.Op <= x86asm.JS && inst.Op != x86asm.JMP {
					branches++
				}
				pc += uint64(inst.Len)
				n++
			}
			t.Logf("%s: %d instructions", name, n)
			if strings.HasPrefix(name, "tlbrace/kernel/preempt.Disable") && (n != 4 || branches != 0) {
				t.Errorf("%s: %d instructions, %d conditional branches: want the two loads of the lookup, INCL and RET", name, n, branches)
			}
		}
	})
}
