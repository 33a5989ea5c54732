// classify.go: what the audit looks for in one instruction. Encodings
// from the Intel SDM (Intel 64 and IA-32 Architectures Software
// Developer's Manual):
//
//	MOV CRn, r    0F 22 /r   Vol. 2B "MOV—Move to/from Control Registers"
//	MOV r, CRn    0F 20 /r   (ModRM.reg selects CRn: 3 = CR3, 4 = CR4)
//	INVLPG m      0F 01 /7   Vol. 2A "INVLPG—Invalidate TLB Entries"
//	CALL rel32    E8 cd      Vol. 2A "CALL—Call Procedure"
//	CALL r/m      FF /2      (an indirect call: through a function value)
//	JMP rel       E9 cd, EB cb  Vol. 2A "JMP—Jump"

package main

import "golang.org/x/arch/x86/x86asm"

// Kind is what a listed instruction does.
type Kind string

const (
	WriteCR3 Kind = "write CR3"
	WriteCR4 Kind = "write CR4"
	ReadCR3  Kind = "read CR3"
	Invlpg   Kind = "invlpg"
)

// kindOf classifies an instruction, "" for everything the audit does not list.
func kindOf(in *Inst) Kind {
	switch in.Op {
	case x86asm.MOV:
		if dst, ok := in.Args[0].(x86asm.Reg); ok {
			switch dst {
			case x86asm.CR3:
				return WriteCR3
			case x86asm.CR4:
				return WriteCR4
			}
		}
		if src, ok := in.Args[1].(x86asm.Reg); ok && src == x86asm.CR3 {
			return ReadCR3
		}
	case x86asm.INVLPG:
		return Invlpg
	}
	return ""
}

// isWrite reports whether k is a write the rule governs.
func isWrite(k Kind) bool { return k == WriteCR3 || k == WriteCR4 }

// branchTarget returns the destination of a direct CALL or JMP (rel8 or
// rel32: target = next instruction + displacement).
func branchTarget(in *Inst) (target uint64, call, ok bool) {
	if in.Op != x86asm.CALL && in.Op != x86asm.JMP {
		return 0, false, false
	}
	rel, isRel := in.Args[0].(x86asm.Rel)
	if !isRel {
		return 0, false, false
	}
	t := uint64(int64(in.Next()) + int64(rel))
	if in.Mode == 32 {
		t &= 0xffffffff
	}
	return t, in.Op == x86asm.CALL, true
}

// isIndirectCall reports a CALL through a register or memory: how Go
// calls a function value (CALL through the closure's first word).
func isIndirectCall(in *Inst) bool {
	if in.Op != x86asm.CALL {
		return false
	}
	switch in.Args[0].(type) {
	case x86asm.Reg, x86asm.Mem:
		return true
	}
	return false
}

// refs returns the absolute addresses an instruction names: immediates,
// absolute memory operands (32-bit code) and RIP-relative ones (64-bit
// code, SDM Vol. 2A §2.2.1.6). These are how code takes the address of a
// function value or of a variable that holds one.
func refs(in *Inst) []uint64 {
	var out []uint64
	mask := ^uint64(0)
	if in.Mode == 32 {
		mask = 0xffffffff
	}
	for _, a := range in.Args {
		switch a := a.(type) {
		case nil:
			return out
		case x86asm.Imm:
			out = append(out, uint64(a)&mask)
		case x86asm.Mem:
			switch {
			case a.Base == x86asm.RIP:
				out = append(out, uint64(int64(in.Next())+a.Disp))
			case a.Base == 0 && a.Index == 0 && a.Segment == 0:
				out = append(out, uint64(a.Disp)&mask)
			case a.Disp != 0:
				// table+reg*scale: the table's address
				out = append(out, uint64(a.Disp)&mask)
			}
		}
	}
	return out
}
