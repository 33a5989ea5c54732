// synth_test.go: a tiny hand assembler for the unit tests: it lays out
// functions at fixed addresses from raw bytes and CALLs to other
// functions by name, so tests can build a Program without an ELF.

package main

import (
	"encoding/binary"
	"testing"
)

// Hand-assembled instructions (Intel SDM Vol. 2; 32-bit unless noted).
var (
	movCR3EAX = []byte{0x0f, 0x22, 0xd8}       // mov %eax,%cr3   0F 22 /r, reg=3
	movCR4EAX = []byte{0x0f, 0x22, 0xe0}       // mov %eax,%cr4   0F 22 /r, reg=4
	movEAXCR3 = []byte{0x0f, 0x20, 0xd8}       // mov %cr3,%eax   0F 20 /r
	movEAXCR0 = []byte{0x0f, 0x20, 0xc0}       // mov %cr0,%eax
	invlpgEAX = []byte{0x0f, 0x01, 0x38}       // invlpg (%eax)   0F 01 /7
	loadArg   = []byte{0x8b, 0x44, 0x24, 0x04} // mov 4(%esp),%eax
	ret       = []byte{0xc3}
	callECX   = []byte{0xff, 0xd1} // call *%ecx      FF /2
	movECXEDX = []byte{0x8b, 0x0a} // mov (%edx),%ecx
	int3Pad   = []byte{0xcc, 0xcc, 0xcc}
)

// movEDXAbs is mov addr,%edx (8B /r with ModRM 0x15: disp32, no base).
func movEDXAbs(addr uint32) []byte {
	b := []byte{0x8b, 0x15, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(b[2:], addr)
	return b
}

// piece is part of a function body: raw bytes, or a CALL to a function.
type piece struct {
	raw  []byte
	call string
}

func raw(b ...[]byte) piece {
	var all []byte
	for _, x := range b {
		all = append(all, x...)
	}
	return piece{raw: all}
}
func call(fn string) piece { return piece{call: fn} }

// fdef is one synthetic function.
type fdef struct {
	name string
	addr uint64
	body []piece
}

// assemble lays the functions out (CALL is E8 rel32: target − next).
func assemble(t *testing.T, mode int, entry uint64, defs ...fdef) *Program {
	t.Helper()
	at := map[string]uint64{}
	for _, d := range defs {
		at[d.name] = d.addr
	}
	p := &Program{Mode: mode, Entry: entry}
	for _, d := range defs {
		var code []byte
		for _, pc := range d.body {
			if pc.call == "" {
				code = append(code, pc.raw...)
				continue
			}
			target, ok := at[pc.call]
			if !ok {
				t.Fatalf("call to unknown %s", pc.call)
			}
			next := d.addr + uint64(len(code)) + 5
			rel := make([]byte, 4)
			binary.LittleEndian.PutUint32(rel, uint32(int32(int64(target)-int64(next))))
			code = append(code, 0xe8)
			code = append(code, rel...)
		}
		p.Funcs = append(p.Funcs, &Func{Name: d.name, Addr: d.addr, Code: code, Boot: d.addr == entry})
	}
	return p
}

// word32 is a 4-byte little-endian data word.
func word32(v uint32) []byte {
	b := make([]byte, 4)
	binary.LittleEndian.PutUint32(b, v)
	return b
}
