// decode_test.go: the decoder wrapper and the instruction classifier on
// hand-assembled bytes, including x86asm's "Op 0, no error" pitfall.

package main

import "testing"

func decodeBytes(t *testing.T, b []byte, mode int) *Inst {
	t.Helper()
	in, err := decodeOne(b, mode)
	if err != nil {
		t.Fatalf("% x (%d-bit): %v", b, mode, err)
	}
	return &Inst{Addr: 0x1000, Inst: in}
}

func TestKinds(t *testing.T) {
	cases := []struct {
		b    []byte
		mode int
		want Kind
	}{
		{movCR3EAX, 32, WriteCR3},
		{movCR3EAX, 64, WriteCR3},                      // mov %rax,%cr3: the same bytes
		{[]byte{0x41, 0x0f, 0x22, 0xd8}, 64, WriteCR3}, // mov %r8,%cr3: REX.B
		{movCR4EAX, 32, WriteCR4},
		{[]byte{0x0f, 0x22, 0xe2}, 64, WriteCR4}, // mov %rdx,%cr4
		{movEAXCR3, 32, ReadCR3},
		{movEAXCR0, 32, ""},                // CR0 is not listed
		{[]byte{0x0f, 0x22, 0xc0}, 32, ""}, // mov %eax,%cr0: not CR3/CR4
		{invlpgEAX, 32, Invlpg},
		{[]byte{0x0f, 0x01, 0x38}, 64, Invlpg}, // invlpg (%rax)
		{[]byte{0x89, 0xd8}, 32, ""},           // mov %ebx,%eax
	}
	for _, c := range cases {
		if got := kindOf(decodeBytes(t, c.b, c.mode)); got != c.want {
			t.Errorf("% x (%d-bit): kind %q, want %q", c.b, c.mode, got, c.want)
		}
	}
}

func TestOpZeroIsAnError(t *testing.T) {
	// A truncated MOV to a control register: x86asm returns Op 0 and a
	// nil error for it.
	if _, err := decodeOne([]byte{0x0f, 0x22}, 32); err == nil {
		t.Fatal("0f 22 (truncated) decoded without error")
	}
	// PUSH ES does not exist in 64-bit mode: an ordinary error.
	if _, err := decodeOne([]byte{0x06}, 64); err == nil {
		t.Fatal("06 decoded in 64-bit mode")
	}
}

func TestDecodeFuncPaddingAndErrors(t *testing.T) {
	f := &Func{Name: "tlbrace/asm.WriteCR3", Addr: 0x1000, Code: append(append(append([]byte{}, loadArg...), movCR3EAX...), ret...)}
	f.Code = append(f.Code, int3Pad...) // trailing INT3 padding inside the symbol
	insts, derr := decodeFunc(f, 32)
	if derr != nil || len(insts) != 3 {
		t.Fatalf("got %d instructions, error %v; want 3, none", len(insts), derr)
	}
	if insts[1].Addr != 0x1004 || kindOf(&insts[1]) != WriteCR3 {
		t.Errorf("second instruction at %#x is %v", insts[1].Addr, insts[1].Op)
	}

	bad := &Func{Name: "tlbrace/kernel/mm.f", Addr: 0x2000, Code: []byte{0x90, 0x90, 0x0f, 0x22}}
	_, derr = decodeFunc(bad, 32)
	if derr == nil || derr.Offset != 2 || derr.Addr != 0x2002 || derr.Func != bad.Name {
		t.Fatalf("error %+v, want one at %s+0x2", derr, bad.Name)
	}
}

func TestBranchesAndRefs(t *testing.T) {
	// call .+0x10 at 0x1000: E8 rel32, target = 0x1005 + 0x10.
	in := decodeBytes(t, []byte{0xe8, 0x10, 0, 0, 0}, 32)
	if tgt, isCall, ok := branchTarget(in); !ok || !isCall || tgt != 0x1015 {
		t.Errorf("call target %#x %v %v, want 0x1015 call", tgt, isCall, ok)
	}
	// jmp backwards, rel8: EB FE is "jmp ." (target = itself).
	in = decodeBytes(t, []byte{0xeb, 0xfe}, 32)
	if tgt, isCall, ok := branchTarget(in); !ok || isCall || tgt != 0x1000 {
		t.Errorf("jmp target %#x %v %v, want 0x1000 jmp", tgt, isCall, ok)
	}
	if !isIndirectCall(decodeBytes(t, callECX, 32)) {
		t.Error("call *ECX is not an indirect call")
	}
	// mov 0x226a68,%edx (32-bit absolute) and mov 0x10(%rip),%rdx.
	if r := refs(decodeBytes(t, movEDXAbs(0x226a68), 32)); len(r) != 1 || r[0] != 0x226a68 {
		t.Errorf("absolute refs %#x", r)
	}
	rip := decodeBytes(t, []byte{0x48, 0x8b, 0x15, 0x10, 0, 0, 0}, 64) // 7 bytes at 0x1000
	if r := refs(rip); len(r) != 1 || r[0] != 0x1007+0x10 {
		t.Errorf("RIP-relative refs %#x, want 0x1017", r)
	}
}

func TestHostDecodeRestartsAtLabels(t *testing.T) {
	// "msg" is data (an undecodable 0x0f 0x0a and text); the code label
	// after it must still decode exactly.
	code := append([]byte{0x0f, 0x0a, 'h', 'i'}, movCR3EAX...)
	f := &Func{Name: "main(.text)", Addr: 0x100000, Code: code, Host: true, Boot: true,
		Labels: []Label{{0x100000, "msg"}, {0x100004, "entry32"}}}
	insts, skipped := decodeHost(f)
	last := insts[len(insts)-1]
	if skipped == 0 || last.Addr != 0x100004 || kindOf(&last) != WriteCR3 {
		t.Fatalf("skipped %d, last %#x %v", skipped, last.Addr, last.Op)
	}
	if w := f.where(0x100004); w != "entry32+0x0" {
		t.Errorf("where = %q", w)
	}
}
