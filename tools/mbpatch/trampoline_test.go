package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The committed trampoline object and its source (boot/trampoline/).
const (
	trampolineSyso = "boot/trampoline_amd64.syso"
	trampolineSrc  = "boot/trampoline/multiboot64.S"
	trampolineMk   = "boot/trampoline/trampoline.mk"

	trampolineBase   = 0x101000 // BASE in multiboot64.S = -T in the Makefile
	trampolineSymbol = "multiboot64_header"
)

// TestTrampolineObject checks what the Go linker needs from the .syso: no
// relocations (it would drop them silently), everything in one .text that
// starts with the Multiboot header, and the global symbol rt0 refers to so
// that the linker keeps the object at all.
func TestTrampolineObject(t *testing.T) {
	path := filepath.Join(repoRoot(t), trampolineSyso)
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v (run `make trampoline`)", trampolineSyso, err)
	}
	defer f.Close()
	if f.Class != elf.ELFCLASS64 || f.Machine != elf.EM_X86_64 || f.Type != elf.ET_REL {
		t.Fatalf("%s is %v %v %v, want an ELFCLASS64 EM_X86_64 ET_REL object", trampolineSyso, f.Class, f.Machine, f.Type)
	}

	var text *elf.Section
	for _, s := range f.Sections {
		switch {
		case s.Type == elf.SHT_REL || s.Type == elf.SHT_RELA:
			if s.Size != 0 {
				t.Errorf("%s: relocation section %s has %d bytes; the Go linker drops host-object relocations in a static exe: write every address as BASE + (label - mb_header)", trampolineSyso, s.Name, s.Size)
			}
		case s.Name == ".text":
			text = s
		case s.Flags&elf.SHF_ALLOC != 0 && s.Size != 0:
			// Anything outside .text lands wherever the Go linker puts it,
			// where BASE arithmetic cannot reach it.
			t.Errorf("%s: allocated section %s has %d bytes; keep everything in .text", trampolineSyso, s.Name, s.Size)
		}
	}
	if text == nil {
		t.Fatalf("%s has no .text", trampolineSyso)
	}
	// The page tables are page-aligned only if .text is: BASE is.
	if text.Addralign != 4096 {
		t.Errorf(".text alignment is %d, want 4096 (the page tables are aligned relative to mb_header)", text.Addralign)
	}
	code, err := text.Data()
	if err != nil {
		t.Fatal(err)
	}
	if len(code) < 32 {
		t.Fatalf(".text is %d bytes", len(code))
	}
	w := func(i int) uint32 { return binary.LittleEndian.Uint32(code[4*i:]) }
	const flags = 0x00010003
	want := []struct {
		name string
		v    uint32
	}{
		{"magic", mbMagic}, {"flags", flags}, {"checksum", checksum(flags)},
		{"header_addr", trampolineBase}, {"load_addr", trampolineBase - 0x1000},
		{"load_end_addr (mbpatch fills it)", 0}, {"bss_end_addr (mbpatch fills it)", 0},
	}
	for i, f := range want {
		if w(i) != f.v {
			t.Errorf("Multiboot header %s = %#x, want %#x", f.name, w(i), f.v)
		}
	}
	if entry := w(7); entry <= trampolineBase+0x1c || entry >= trampolineBase+uint32(len(code)) {
		t.Errorf("entry_addr %#x is not inside the trampoline's .text [%#x, %#x)", entry, trampolineBase, trampolineBase+len(code))
	}

	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range syms {
		if s.Name != trampolineSymbol {
			continue
		}
		found = true
		if elf.ST_BIND(s.Info) != elf.STB_GLOBAL || s.Value != 0 || int(s.Section) >= len(f.Sections) || f.Sections[s.Section] != text {
			t.Errorf("symbol %s: bind %v, section %d, value %#x; want a global at .text+0", s.Name, elf.ST_BIND(s.Info), s.Section, s.Value)
		}
	}
	if !found {
		t.Errorf("no symbol %s: boot/rt0_amd64.s refers to it so that the Go linker keeps the trampoline", trampolineSymbol)
	}
}

// TestTrampolineUpToDate re-assembles the source the way trampoline.mk
// does and compares with the committed .syso byte for byte.
func TestTrampolineUpToDate(t *testing.T) {
	as, err := exec.LookPath("as")
	if err != nil {
		t.Skipf("GNU as (binutils) not in PATH: cannot check that %s matches %s", trampolineSyso, trampolineSrc)
	}
	root := repoRoot(t)
	flags := asFlags(t, filepath.Join(root, trampolineMk))
	out := filepath.Join(t.TempDir(), "trampoline.o")
	args := append(flags, "-o", out, trampolineSrc)
	cmd := exec.Command(as, args...)
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("as %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join(root, trampolineSyso))
	if err != nil {
		t.Fatalf("%v (run `make trampoline`)", err)
	}
	if !bytes.Equal(got, committed) {
		version, _ := exec.Command(as, "--version").Output()
		first, _, _ := strings.Cut(string(version), "\n")
		t.Errorf("%s differs from what %s assembles to with `as %s` (%s): run `make trampoline` and commit the result",
			trampolineSyso, trampolineSrc, strings.Join(flags, " "), first)
	}
}

// asFlags reads TRAMPOLINE_ASFLAGS from trampoline.mk, so that the flags
// live in one place.
func asFlags(t *testing.T, mk string) []string {
	t.Helper()
	b, err := os.ReadFile(mk)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^TRAMPOLINE_ASFLAGS\s*:?=\s*(.*)$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s: no TRAMPOLINE_ASFLAGS := ... line", mk)
	}
	flags := strings.Fields(string(m[1]))
	for _, f := range flags {
		if strings.Contains(f, "$") {
			t.Fatalf("%s: TRAMPOLINE_ASFLAGS must be literal flags, got %q", mk, m[1])
		}
	}
	return flags
}
