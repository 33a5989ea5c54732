package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kelf "tlbrace/kernel/user/elf"
)

// buildProgram writes a module holding one user program, user/p, made of
// files (name -> text), and builds it for amd64 with mkinitrd's build.
func buildProgram(t *testing.T, files map[string]string) (*built, error) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a user program")
	}
	dir := t.TempDir()
	files["go.mod"] = "module synthetic\n\ngo 1.26\n"
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return build("go", dir, "p", "amd64", filepath.Join(t.TempDir(), "p"))
}

const syntheticMain = `package main

func start()

func main() { start() }
`

// A program whose assembly calls into the Go runtime cannot be cut down:
// the runtime never starts in a user program. The error names the
// instruction and the symbol.
func TestShrinkRefusesTheRuntime(t *testing.T) {
	_, err := buildProgram(t, map[string]string{
		"user/p/main.go": syntheticMain,
		"user/p/p_amd64.s": `#include "textflag.h"
TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	CALL runtime·memmove(SB)
	RET
`,
	})
	if err == nil || !strings.Contains(err.Error(), "main.start.abi0+0x0") || !strings.Contains(err.Error(), "runtime.memmove") ||
		!strings.Contains(err.Error(), "outside package main") {
		t.Errorf("got %v, want an error naming main.start.abi0+0x0, runtime.memmove and package main", err)
	}
}

// A variable holding a pointer other than a string's cannot be followed.
func TestShrinkRefusesPointers(t *testing.T) {
	_, err := buildProgram(t, map[string]string{
		"user/p/main.go": syntheticMain + "\nvar x int\n\nvar p = &x\n",
		"user/p/p_amd64.s": `#include "textflag.h"
TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	MOVQ ·p(SB), AX
	RET
`,
	})
	if err == nil || !strings.Contains(err.Error(), "main.p is a *int, which mkinitrd cannot follow") {
		t.Errorf("got %v, want an error saying main.p is a pointer mkinitrd cannot follow", err)
	}
}

// Strings inside arrays of structs are found through DWARF, moved and
// their pointers patched; numbers and .bss come along; the result is an
// executable the kernel's parser takes, a few pages of memory but a small
// file.
func TestShrinkKeepsData(t *testing.T) {
	b, err := buildProgram(t, map[string]string{
		"user/p/main.go": syntheticMain + `
type msg struct {
	text string
	n    int
}

var msgs = [2]msg{{"first message", 1}, {"second message", 2}}

var count = 7

var big [5000]byte
`,
		"user/p/p_amd64.s": `#include "textflag.h"
TEXT ·start(SB), NOSPLIT|NOFRAME, $0
	LEAQ ·msgs(SB), AX
	MOVQ ·count(SB), BX
	LEAQ ·big(SB), CX
	CALL ·helper(SB)
	RET

TEXT ·helper(SB), NOSPLIT|NOFRAME, $0
	RET
`,
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range b.kept {
		names = append(names, k.name)
	}
	for _, want := range []string{"main.start.abi0", "main.helper", "main.msgs", "main.count", "main.big",
		"main.msgs[0].text bytes", "main.msgs[1].text bytes"} {
		if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+want+" ") {
			t.Errorf("kept %q, want %s among them", names, want)
		}
	}
	if len(b.image) > maxProgram {
		t.Errorf("%d bytes", len(b.image))
	}
	info := arches["amd64"]
	f, perr := kelf.Parse(b.image, info.elf, info.lo, info.hi)
	if perr != nil {
		t.Fatal(message(perr))
	}
	var bss bool
	for _, s := range f.Loads() {
		if s.Memsz >= 5000 && s.Filesz < s.Memsz {
			bss = true
		}
		if s.Flags&kelf.PF_W != 0 && s.Flags&kelf.PF_X != 0 {
			t.Errorf("segment %+v is writable and executable", s)
		}
	}
	if !bss {
		t.Errorf("no segment holds main.big as .bss: %+v", f.Loads())
	}
	// The strings' bytes are in the file once each, next to nothing else.
	for _, s := range []string{"first message", "second message"} {
		if n := bytes.Count(b.image, []byte(s)); n != 1 {
			t.Errorf("%q appears %d times in the image", s, n)
		}
	}
}

// verify catches an image that lost what its code refers to: hello
// without its data segment (the string header main.greeting).
func TestVerifyCatchesAMissingSegment(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hello")
	}
	for arch := range arches {
		b, err := build("go", root, "hello", arch, filepath.Join(t.TempDir(), "hello"))
		if err != nil {
			t.Fatal(err)
		}
		linked, err := os.ReadFile(b.linked)
		if err != nil {
			t.Fatal(err)
		}
		p, err := open(linked)
		if err != nil {
			t.Fatal(err)
		}
		image := bytes.Clone(b.image)
		f, err := elf.NewFile(bytes.NewReader(image))
		if err != nil {
			t.Fatal(err)
		}
		ehsize, phsize := 52, 32
		if f.Class == elf.ELFCLASS64 {
			ehsize, phsize = 64, 56
		}
		dropped := false
		for i, pr := range f.Progs {
			if pr.Flags&elf.PF_W != 0 {
				binary.LittleEndian.PutUint32(image[ehsize+i*phsize:], uint32(elf.PT_NULL))
				dropped = true
			}
		}
		if !dropped {
			t.Fatalf("%s: hello has no writable segment", arch)
		}
		if err := verify(image, p, b.kept); err == nil || !strings.Contains(err.Error(), "main.greeting") {
			t.Errorf("%s: verify said %v, want an error naming main.greeting", arch, err)
		}
	}
}

// Every segment of every program: its file offset and address agree
// modulo the page size (what mmap, and the kernel's parser, demand), no
// two segments share a page, and the file holds little but the program.
func TestShrunkLayout(t *testing.T) {
	for arch := range arches {
		t.Run(arch, func(t *testing.T) {
			ps := buildAll(t, arch)
			for _, prog := range wantPrograms {
				f, err := elf.Open(ps.run[prog])
				if err != nil {
					t.Fatal(err)
				}
				var pages [][2]uint64
				for _, pr := range f.Progs {
					if pr.Off%elfPage != pr.Vaddr%elfPage {
						t.Errorf("%s: segment %+v: offset and address differ modulo the page size", prog, pr.ProgHeader)
					}
					lo, hi := pageDown(pr.Vaddr), pageUp(pr.Vaddr+pr.Memsz)
					for _, o := range pages {
						if lo < o[1] && o[0] < hi {
							t.Errorf("%s: segment %+v shares a page with another", prog, pr.ProgHeader)
						}
					}
					pages = append(pages, [2]uint64{lo, hi})
				}
				f.Close()
			}
		})
	}
}

// TestComparedAddressIsABound: an address in a CMP or TEST immediate is a
// bound the program compares against (user/fuzz checks its pointers
// against USER_BASE), not a reference to keep; a MOV of the same
// immediate is a reference.
func TestComparedAddressIsABound(t *testing.T) {
	for _, c := range []struct {
		code []byte
		refs int
	}{
		{[]byte{0x81, 0xfb, 0x00, 0x00, 0x00, 0x40}, 0}, // CMPL BX, $0x40000000
		{[]byte{0xf7, 0xc3, 0x00, 0x00, 0x00, 0x40}, 0}, // TESTL BX, $0x40000000
		{[]byte{0xbb, 0x00, 0x00, 0x00, 0x40}, 1},       // MOVL $0x40000000, BX
	} {
		insts, err := decodeAll(c.code, 0x40001000, "t", 32)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(insts[0].refs(32)); got != c.refs {
			t.Errorf("% x: %d references, want %d", c.code, got, c.refs)
		}
	}
}
