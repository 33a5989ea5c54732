// decode.go: turns each function's bytes into instructions with x86asm,
// and says where it could not. A linear sweep is exact for Go code: the
// compiler and assembler put no data inside a function's symbol.

package main

import (
	"fmt"

	"golang.org/x/arch/x86/x86asm"
)

// Inst is one decoded instruction at its address.
type Inst struct {
	Addr uint64
	x86asm.Inst
}

// Next is the address of the following instruction: the base of a
// RIP-relative operand and of a relative branch (SDM Vol. 2A §2.2.1.6).
func (in *Inst) Next() uint64 { return in.Addr + uint64(in.Len) }

// DecodeError is an instruction the decoder could not read.
type DecodeError struct {
	Func   string `json:"func"`
	Offset uint64 `json:"offset"`
	Addr   uint64 `json:"addr"`
	Bytes  string `json:"bytes"` // up to 8 bytes from there, hex
	Why    string `json:"why"`
}

func (e DecodeError) Error() string {
	return fmt.Sprintf("%s+%#x (%#x): cannot decode [%s]: %s", e.Func, e.Offset, e.Addr, e.Bytes, e.Why)
}

// decodeOne decodes the instruction at the start of b. x86asm reports
// most bad encodings as errors, but some unknown or truncated ones come
// back as Op 0 with a nil error: those are errors too.
func decodeOne(b []byte, mode int) (x86asm.Inst, error) {
	in, err := x86asm.Decode(b, mode)
	if err != nil {
		return in, err
	}
	if in.Op == 0 || in.Len == 0 {
		return in, fmt.Errorf("unknown instruction (x86asm returned Op 0)")
	}
	return in, nil
}

// allPadding reports whether b is only INT3 (0xCC) bytes: the filler the
// Go linker puts between functions (and, rarely, at a symbol's end).
func allPadding(b []byte) bool {
	for _, c := range b {
		if c != 0xCC {
			return false
		}
	}
	return true
}

// decodeFunc sweeps a Go (or Go assembler) function from its first byte
// to its symbol size. It stops at the first undecodable instruction:
// past it, a linear sweep can no longer be trusted.
func decodeFunc(f *Func, mode int) ([]Inst, *DecodeError) {
	var out []Inst
	for off := 0; off < len(f.Code); {
		rest := f.Code[off:]
		if allPadding(rest) {
			break
		}
		in, err := decodeOne(rest, mode)
		if err != nil {
			return out, &DecodeError{Func: f.Name, Offset: uint64(off), Addr: f.Addr + uint64(off),
				Bytes: fmt.Sprintf("% x", rest[:min(8, len(rest))]), Why: err.Error()}
		}
		out = append(out, Inst{Addr: f.Addr + uint64(off), Inst: in})
		off += in.Len
	}
	return out, nil
}

// decodeHost sweeps a host object (the trampoline), which mixes code and
// data: in 32-bit mode, the mode Multiboot starts it in (Multiboot 0.6.96
// §3.2); restarting at every label; skipping a byte it cannot decode.
// It returns the instructions and how many bytes were skipped. Its short
// 64-bit tail decodes as 32-bit code too, and MOV to CR3/CR4 (0F 22 /r,
// no REX needed) reads the same in both modes.
func decodeHost(f *Func) ([]Inst, int) {
	var out []Inst
	skipped := 0
	bounds := []uint64{f.Addr}
	for _, l := range f.Labels {
		if l.Addr > bounds[len(bounds)-1] {
			bounds = append(bounds, l.Addr)
		}
	}
	bounds = append(bounds, f.End())
	for i := 0; i+1 < len(bounds); i++ {
		for a := bounds[i]; a < bounds[i+1]; {
			b := f.Code[a-f.Addr : bounds[i+1]-f.Addr]
			in, err := decodeOne(b, 32)
			if err != nil {
				skipped++
				a++
				continue
			}
			out = append(out, Inst{Addr: a, Inst: in})
			a += uint64(in.Len)
		}
	}
	return out, skipped
}
