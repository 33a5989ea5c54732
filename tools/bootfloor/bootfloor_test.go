package bootfloor

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// The image is a valid ELF32 executable with one PT_LOAD at Load holding
// everything, and its entry in it.
func TestELF(t *testing.T) {
	img := Image()
	f, err := elf.NewFile(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	if f.Class != elf.ELFCLASS32 || f.Machine != elf.EM_386 || f.Type != elf.ET_EXEC || len(f.Progs) != 1 {
		t.Fatalf("class %v machine %v type %v, %d program headers", f.Class, f.Machine, f.Type, len(f.Progs))
	}
	p := f.Progs[0]
	if p.Type != elf.PT_LOAD || p.Off != 0 || p.Vaddr != Load || p.Paddr != Load || p.Filesz != uint64(len(img)) || p.Memsz != p.Filesz {
		t.Errorf("segment %+v", p.ProgHeader)
	}
	if f.Entry != Load+codeOff {
		t.Errorf("entry %#x", f.Entry)
	}
}

// The Multiboot header (§3.1.1) is where QEMU looks for it, 32-bit aligned
// in the first 8192 bytes, and its checksum holds.
func TestMultibootHeader(t *testing.T) {
	img := Image()
	i := bytes.Index(img, binary.LittleEndian.AppendUint32(nil, mbMagic))
	if i < 0 || i%4 != 0 || i+12 > 8192 {
		t.Fatalf("magic at %d", i)
	}
	flags := binary.LittleEndian.Uint32(img[i+4:])
	sum := binary.LittleEndian.Uint32(img[i+8:])
	if flags != mbFlags || mbMagic+flags+sum != 0 {
		t.Errorf("flags %#x checksum %#x: magic+flags+checksum = %#x, want 0", flags, sum, uint32(mbMagic+flags+sum))
	}
}

// The code decodes to what the comments say, and the message it prints
// is at the address it loads.
func TestCode(t *testing.T) {
	img := Image()
	var got []string
	for off := codeOff; off < msgOff; {
		in, err := x86asm.Decode(img[off:msgOff], 32)
		if err != nil {
			t.Fatalf("offset %#x: %v", off, err)
		}
		got = append(got, x86asm.IntelSyntax(in, uint64(Load+off), nil))
		off += in.Len
	}
	want := []string{"cld", "mov esi, 0x10007d", "mov dx, 0x3f8", "lodsb byte ptr [esi]", "test al, al", "jz 0x100072", "out dx, al", "jmp 0x10006a",
		"xor eax, eax", "out 0xf4, eax", "cli", "hlt", "jmp 0x100076", "nop", "nop", "nop"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("code:\n%s\nwant:\n%s", strings.Join(got, "; "), strings.Join(want, "; "))
	}
	msg := string(img[msgOff:])
	if msg != Line+"\n"+ExitLine+"\n\x00" || Load+msgOff != 0x10007d {
		t.Errorf("message %q at %#x", msg, Load+msgOff)
	}
}
