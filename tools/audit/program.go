// program.go: the audit's model of a kernel image — functions with their
// machine code and the data words that may hold function values — kept
// apart from ELF so that tests can build small synthetic programs by hand.

package main

import (
	"fmt"
	"strings"
)

// Program is one kernel image as the audit sees it.
type Program struct {
	Mode  int     // 32 or 64: the x86asm decoding mode (from the ELF class)
	Entry uint64  // the ELF entry point
	Funcs []*Func // every function symbol with code, sorted by address
	Data  []Blob  // allocated, non-executable sections (function values live here)
	Objs  []Obj   // data symbols (named variables), sorted by address
}

// Func is one function symbol (STT_FUNC) and its bytes.
type Func struct {
	Name   string
	Addr   uint64
	Code   []byte  // exactly the symbol's size: Go's INT3 padding lies after it
	Boot   bool    // boot code: the ELF entry function or the trampoline
	Host   bool    // a host object's section (the .syso trampoline), not Go code
	Labels []Label // a host object's local labels, sorted
}

// Label is a size-0 symbol inside a host object. Decoding restarts at
// each one, since data (GDT, messages, page tables) sits between pieces
// of code; the report names sites by the label before them.
type Label struct {
	Addr uint64
	Name string
}

// where names address a inside f: "f+0x12", or for a host object
// "label+0x3" after the nearest label.
func (f *Func) where(a uint64) string {
	name, base := short(f.Name), f.Addr
	for _, l := range f.Labels {
		if l.Addr <= a {
			name, base = l.Name, l.Addr
		}
	}
	return fmt.Sprintf("%s+%#x", name, a-base)
}

// End is the address just past the function.
func (f *Func) End() uint64 { return f.Addr + uint64(len(f.Code)) }

// Blob is one data section's bytes.
type Blob struct {
	Name  string
	Addr  uint64
	Bytes []byte
}

// Obj is a data symbol (STT_OBJECT) with a size: a Go package variable,
// an itab, a table.
type Obj struct {
	Name       string
	Addr, Size uint64
}

// pkgOf returns the Go package path of a symbol name:
// "tlbrace/kernel/mm.(*MM).Drop" → "tlbrace/kernel/mm", "main.rt0" →
// "main". The package ends at the first dot after the last slash, which
// holds for every path in this module (no dots in its path elements).
func pkgOf(sym string) string {
	slash := strings.LastIndex(sym, "/")
	dot := strings.Index(sym[slash+1:], ".")
	if dot < 0 {
		return ""
	}
	return sym[:slash+1+dot]
}

// baseName drops the ABI suffix the Go linker gives an assembly body or
// an ABI wrapper ("tlbrace/asm.WriteCR3.abi0" → "tlbrace/asm.WriteCR3").
func baseName(sym string) string { return strings.TrimSuffix(sym, ".abi0") }

// asmPkg is the package that holds every privileged instruction.
const asmPkg = "tlbrace/asm"

// inAsm reports whether a function belongs to the asm package (its
// assembly bodies, their ABI wrappers, and its few Go helpers).
func inAsm(sym string) bool { return pkgOf(sym) == asmPkg }

// ours reports whether a function is the kernel's own code (a tlbrace/
// package, or the boot command, which the linker calls "main"), as
// opposed to the Go runtime and standard library linked in with it.
func ours(sym string) bool {
	p := pkgOf(sym)
	return strings.HasPrefix(p, "tlbrace/") || p == "main"
}

// short trims the module prefix for a readable report.
func short(sym string) string { return strings.TrimPrefix(sym, "tlbrace/") }
