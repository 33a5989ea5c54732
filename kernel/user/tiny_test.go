package user

import (
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"

	"tlbrace/kernel/user/abi"
)

// The tiny programs run unchanged in 32- and 64-bit mode: decode them in
// both and check every instruction, every branch target and every system
// call number.
func TestExitingWorkerDecodes(t *testing.T) {
	decodes(t, ExitingWorker[:], []string{
		"MOV ESI, EAX", "OR ESI, 0x5a5a0000", "RDTSC", "AND EAX, 0x3", "LEA EDI, ",
		"MOV ", "MOV ", "PUSH ", "POP ", "MOV ", "MOV EDX, ", "CMP EDX, ESI", "JNE .+22",
		"MOV EAX, 0x4", "INT 0x80", "DEC EDI", "JNE .-29",
		"XOR EBX, EBX", "MOV EAX, 0x1", "INT 0x80", "JMP .-2",
		"MOV EBX, 0x1", "MOV EAX, 0x6", "INT 0x80", "MOV EBX, 0x2", "MOV EAX, 0x1", "INT 0x80", "JMP .-2",
	})
	// The system-call numbers and the report kind are abi's.
	for _, c := range []struct {
		at   int
		want byte
	}{{0x23, abi.SysYield}, {0x30, abi.SysExit}, {0x39, abi.ReportForeign}, {0x3e, abi.SysReport}, {0x4a, abi.SysExit}} {
		if ExitingWorker[c.at] != c.want {
			t.Errorf("byte %#x is %d, want %d", c.at, ExitingWorker[c.at], c.want)
		}
	}
}

func TestSteadyWorkerDecodes(t *testing.T) {
	decodes(t, SteadyWorker[:], []string{
		"MOV ESI, EAX", "OR ESI, 0x5a5a0000", "MOV ", "MOV ", "MOV EDX, ", "CMP EDX, ESI", "JNE .+9",
		"MOV EAX, 0x4", "INT 0x80", "JMP .-19",
		"MOV EBX, 0x1", "MOV EAX, 0x6", "INT 0x80", "MOV EBX, 0x2", "MOV EAX, 0x1", "INT 0x80", "JMP .-2",
	})
	for _, c := range []struct {
		at   int
		want byte
	}{{0x13, abi.SysYield}, {0x1c, abi.ReportForeign}, {0x21, abi.SysReport}, {0x2d, abi.SysExit}} {
		if SteadyWorker[c.at] != c.want {
			t.Errorf("byte %#x is %d, want %d", c.at, SteadyWorker[c.at], c.want)
		}
	}
}

// decodes checks that code decodes, in 32- and 64-bit mode alike, to
// instructions starting with want, and that every branch lands on one.
func decodes(t *testing.T, code []byte, want []string) {
	t.Helper()
	for _, mode := range []int{32, 64} {
		var got []string
		starts := map[int]bool{}
		var targets []int
		for pc := 0; pc < len(code); {
			in, err := x86asm.Decode(code[pc:], mode)
			if err != nil {
				t.Fatalf("%d-bit: offset %#x: %v", mode, pc, err)
			}
			starts[pc] = true
			got = append(got, in.String())
			if rel, ok := in.Args[0].(x86asm.Rel); ok {
				targets = append(targets, pc+in.Len+int(rel))
			}
			pc += in.Len
		}
		if len(got) != len(want) {
			t.Fatalf("%d-bit: %d instructions, want %d:\n%s", mode, len(got), len(want), strings.Join(got, "\n"))
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("%d-bit: instruction %d is %q, want %q...", mode, i, got[i], want[i])
			}
		}
		for _, tg := range targets {
			if !starts[tg] {
				t.Errorf("%d-bit: a branch lands at %#x, inside an instruction", mode, tg)
			}
		}
	}
}
