package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A synthetic kernel image: ELF header, program headers, a Multiboot
// header at hdrOff, zero bytes elsewhere.
type image struct {
	class   elf.Class
	machine elf.Machine
	typ     elf.Type
	entry   uint64
	segs    []elf.ProgHeader
	size    int
	hdrOff  int
	hdr     []uint32 // Multiboot header words written at hdrOff
}

// goodAmd64 looks like a linked amd64 kernel: text with the trampoline's
// header at file offset 0x1000, rodata, data+bss, then "DWARF" not loaded.
func goodAmd64() *image {
	const flags = 0x00010003
	return &image{
		class: elf.ELFCLASS64, machine: elf.EM_X86_64, typ: elf.ET_EXEC,
		entry: 0x101800,
		segs: []elf.ProgHeader{
			{Type: elf.PT_LOAD, Flags: elf.PF_R | elf.PF_X, Vaddr: 0x100000, Off: 0, Filesz: 0x2000, Memsz: 0x2000},
			{Type: elf.PT_LOAD, Flags: elf.PF_R, Vaddr: 0x102000, Off: 0x2000, Filesz: 0x0800, Memsz: 0x0800},
			{Type: elf.PT_LOAD, Flags: elf.PF_R | elf.PF_W, Vaddr: 0x103000, Off: 0x3000, Filesz: 0x0100, Memsz: 0x5000},
		},
		size:   0x3400,
		hdrOff: 0x1000,
		hdr:    []uint32{mbMagic, flags, checksum(flags), 0x101000, 0x100000, 0, 0, 0x101020},
	}
}

// good386 looks like the linked 386 kernel: a 12-byte header in the
// build-id note inside the first page.
func good386() *image {
	const flags = 0x3
	return &image{
		class: elf.ELFCLASS32, machine: elf.EM_386, typ: elf.ET_EXEC,
		entry: 0x101000,
		segs: []elf.ProgHeader{
			{Type: elf.PT_LOAD, Flags: elf.PF_R | elf.PF_X, Vaddr: 0x100000, Off: 0, Filesz: 0x2000, Memsz: 0x2000},
		},
		size:   0x2000,
		hdrOff: 0xff4,
		hdr:    []uint32{mbMagic, flags, checksum(flags)},
	}
}

// checksum is the §3.1.2 checksum for flags: magic+flags+checksum = 0 mod 2^32.
func checksum(flags uint32) uint32 { return -(mbMagic + flags) }

func (im *image) bytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	le := binary.LittleEndian
	ident := [elf.EI_NIDENT]byte{0x7f, 'E', 'L', 'F', byte(im.class), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)}
	if im.class == elf.ELFCLASS64 {
		binary.Write(&b, le, elf.Header64{
			Ident: ident, Type: uint16(im.typ), Machine: uint16(im.machine), Version: uint32(elf.EV_CURRENT),
			Entry: im.entry, Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: uint16(len(im.segs)),
		})
		for _, p := range im.segs {
			binary.Write(&b, le, elf.Prog64{
				Type: uint32(p.Type), Flags: uint32(p.Flags), Off: p.Off, Vaddr: p.Vaddr, Paddr: p.Vaddr,
				Filesz: p.Filesz, Memsz: p.Memsz, Align: 0x1000,
			})
		}
	} else {
		binary.Write(&b, le, elf.Header32{
			Ident: ident, Type: uint16(im.typ), Machine: uint16(im.machine), Version: uint32(elf.EV_CURRENT),
			Entry: uint32(im.entry), Phoff: 52, Ehsize: 52, Phentsize: 32, Phnum: uint16(len(im.segs)),
		})
		for _, p := range im.segs {
			binary.Write(&b, le, elf.Prog32{
				Type: uint32(p.Type), Flags: uint32(p.Flags), Off: uint32(p.Off), Vaddr: uint32(p.Vaddr), Paddr: uint32(p.Vaddr),
				Filesz: uint32(p.Filesz), Memsz: uint32(p.Memsz), Align: 0x1000,
			})
		}
	}
	out := make([]byte, im.size)
	if b.Len() > len(out) || im.hdrOff+4*len(im.hdr) > len(out) {
		t.Fatalf("synthetic image too small")
	}
	copy(out, b.Bytes())
	for i, w := range im.hdr {
		le.PutUint32(out[im.hdrOff+4*i:], w)
	}
	return out
}

func TestAmd64Patch(t *testing.T) {
	data := goodAmd64().bytes(t)
	r, err := Process(data)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	if r.Arch != "amd64" || r.Header.Offset != 0x1000 || !r.Patched {
		t.Fatalf("got %+v", r)
	}
	// load_end = end of the last segment's file data; bss_end = its end in memory.
	if r.LoadEndAddr != 0x103100 || r.BssEndAddr != 0x108000 {
		t.Errorf("load_end/bss_end = %#x/%#x, want 0x103100/0x108000", r.LoadEndAddr, r.BssEndAddr)
	}
	if got := le32(data, 0x1000+offLoadEndAddr); got != 0x103100 {
		t.Errorf("load_end_addr in data = %#x", got)
	}
	if got := le32(data, 0x1000+offBssEndAddr); got != 0x108000 {
		t.Errorf("bss_end_addr in data = %#x", got)
	}
	// Only those 8 bytes change.
	orig := goodAmd64().bytes(t)
	for i := range data {
		if data[i] != orig[i] && (i < 0x1000+offLoadEndAddr || i >= 0x1000+offBssEndAddr+4) {
			t.Fatalf("byte %#x changed", i)
		}
	}
	// Idempotent.
	again := append([]byte(nil), data...)
	r2, err := Process(again)
	if err != nil || r2.Patched || !bytes.Equal(again, data) {
		t.Errorf("second Process: patched=%v err=%v", r2.Patched, err)
	}
}

func TestAmd64StaleValuesOverwritten(t *testing.T) {
	im := goodAmd64()
	im.hdr[5], im.hdr[6] = 0x100200, 0x100300
	data := im.bytes(t)
	r, err := Process(data)
	if err != nil || !r.Patched || r.LoadEndAddr != 0x103100 || r.BssEndAddr != 0x108000 {
		t.Fatalf("got %+v, %v", r, err)
	}
}

func Test386Validate(t *testing.T) {
	data := good386().bytes(t)
	orig := append([]byte(nil), data...)
	r, err := Process(data)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	if r.Arch != "386" || r.Header.Offset != 0xff4 || r.Header.Flags != 3 || r.Patched {
		t.Errorf("got %+v", r)
	}
	if !bytes.Equal(data, orig) {
		t.Error("386 image modified")
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		im   func() *image
		edit func(*image)
		raw  func([]byte) []byte
		want string
	}{
		{name: "not elf", im: goodAmd64, raw: func(b []byte) []byte { b[0] = 0; return b }, want: "not an ELF file"},
		{name: "wrong machine", im: goodAmd64, edit: func(im *image) { im.machine = elf.EM_AARCH64 }, want: "unsupported ELF"},
		{name: "elf32 x86-64", im: good386, edit: func(im *image) { im.machine = elf.EM_X86_64 }, want: "unsupported ELF"},
		{name: "relocatable", im: goodAmd64, edit: func(im *image) { im.typ = elf.ET_REL }, want: "want ET_EXEC"},
		{name: "no header", im: goodAmd64, edit: func(im *image) { im.hdr = nil }, want: "no Multiboot header"},
		{name: "bad checksum", im: goodAmd64, edit: func(im *image) { im.hdr[2]++ }, want: "has checksum"},
		{name: "header too late", im: goodAmd64, edit: func(im *image) { im.hdrOff = 0x2000 }, want: "no Multiboot header"},
		{name: "earlier header wins", im: goodAmd64, raw: func(b []byte) []byte {
			copy(b[0x800:], b[0x1000:0x1020]) // QEMU takes the first valid header
			return b
		}, want: "at file offset 0x800, want 0x1000"},
		{name: "flags", im: goodAmd64, edit: func(im *image) { im.hdr[1] = 0x10007; im.hdr[2] = checksum(0x10007) }, want: "Multiboot flags"},
		{name: "header_addr", im: goodAmd64, edit: func(im *image) { im.hdr[3] = 0x201000 }, want: "header_addr is 0x201000"},
		{name: "load_addr", im: goodAmd64, edit: func(im *image) { im.hdr[4] = 0x100800 }, want: "load_addr is 0x100800"},
		{name: "load_addr above header", im: goodAmd64, edit: func(im *image) { im.hdr[4] = 0x102000 }, want: "load_addr is 0x102000"},
		{name: "not flat", im: goodAmd64, edit: func(im *image) { im.segs[1].Vaddr = 0x10a000; im.segs[2].Vaddr = 0x10b000 }, want: "flat Multiboot load"},
		{name: "bss not last", im: goodAmd64, edit: func(im *image) { im.segs[1].Memsz = 0x900 }, want: "not the last segment"},
		{name: "overlap", im: goodAmd64, edit: func(im *image) { im.segs[1].Memsz = 0x1800 }, want: "overlaps"},
		{name: "past eof", im: goodAmd64, edit: func(im *image) { im.segs[2].Filesz = 0x1000; im.segs[2].Memsz = 0x1000 }, want: "past the end of the file"},
		{name: "above 4 GiB", im: goodAmd64, edit: func(im *image) { im.segs[2].Memsz = 1 << 32 }, want: "above 4 GiB"},
		{name: "entry_addr", im: goodAmd64, edit: func(im *image) { im.hdr[7] = 0x102100 }, want: "entry_addr 0x102100"},
		{name: "e_entry outside", im: goodAmd64, edit: func(im *image) { im.entry = 0x102100 }, want: "ELF entry point 0x102100"},
		{name: "e_entry is trampoline", im: goodAmd64, edit: func(im *image) { im.entry = 0x101020 }, want: "-E main.rt0"},
		{name: "header in no segment", im: goodAmd64, edit: func(im *image) {
			im.segs[0].Filesz, im.segs[0].Memsz = 0x800, 0x800
		}, want: "in no PT_LOAD"},
		{name: "386 bad checksum", im: good386, edit: func(im *image) { im.hdr[2] = 0 }, want: "has checksum"},
		{name: "386 unaligned", im: good386, edit: func(im *image) { im.hdrOff = 0xff2 }, want: "not 4-byte aligned"},
		{name: "386 beyond QEMU's search", im: good386, edit: func(im *image) { im.size = 0x3000; im.hdrOff = 8144 }, want: "too late"},
		{name: "386 beyond 8 KiB", im: good386, edit: func(im *image) { im.size = 0x3000; im.hdrOff = 8192 }, want: "no Multiboot header"},
		{name: "386 unknown required flag", im: good386, edit: func(im *image) { im.hdr[1] = 0x13; im.hdr[2] = checksum(0x13) }, want: "required flag bits 0x10"},
		{name: "386 video", im: good386, edit: func(im *image) { im.hdr[1] = 0x7; im.hdr[2] = checksum(0x7) }, want: "video mode"},
		{name: "386 kludge", im: good386, edit: func(im *image) { im.hdr[1] = 0x10003; im.hdr[2] = checksum(0x10003) }, want: "a.out kludge"},
		{name: "386 no load", im: good386, edit: func(im *image) { im.segs[0].Type = elf.PT_NOTE }, want: "no PT_LOAD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im := tc.im()
			if tc.edit != nil {
				tc.edit(im)
			}
			data := im.bytes(t)
			if tc.raw != nil {
				data = tc.raw(data)
			}
			_, err := Process(data)
			if err == nil {
				t.Fatalf("Process succeeded, want error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.elf")
	bad := filepath.Join(dir, "bad.elf")
	if err := os.WriteFile(good, goodAmd64().bytes(t), 0o755); err != nil {
		t.Fatal(err)
	}
	badIm := goodAmd64()
	badIm.hdr[2] = 0
	if err := os.WriteFile(bad, badIm.bytes(t), 0o644); err != nil {
		t.Fatal(err)
	}

	var out, errb strings.Builder
	if code := run([]string{"-check", good}, &out, &errb); code != 1 {
		t.Errorf("-check on an unpatched image: exit %d, want 1", code)
	}
	assertOneLine(t, errb.String(), good, "run mbpatch")

	out.Reset()
	errb.Reset()
	if code := run([]string{good}, &out, &errb); code != 0 || errb.Len() != 0 {
		t.Fatalf("patch: exit %d, stderr %q", code, errb.String())
	}
	if !strings.Contains(out.String(), "(patched)") {
		t.Errorf("stdout %q", out.String())
	}
	data, _ := os.ReadFile(good)
	if le32(data, 0x1000+offLoadEndAddr) != 0x103100 || le32(data, 0x1000+offBssEndAddr) != 0x108000 {
		t.Error("file not patched on disk")
	}
	if fi, _ := os.Stat(good); fi.Mode().Perm() != 0o755 {
		t.Errorf("mode changed to %v", fi.Mode())
	}

	out.Reset()
	errb.Reset()
	if code := run([]string{"-check", good}, &out, &errb); code != 0 || !strings.Contains(out.String(), "already patched") {
		t.Errorf("-check on a patched image: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}

	errb.Reset()
	if code := run([]string{bad}, &out, &errb); code != 1 {
		t.Errorf("bad image: exit %d, want 1", code)
	}
	assertOneLine(t, errb.String(), bad, "checksum")

	errb.Reset()
	missing := filepath.Join(dir, "missing.elf")
	if code := run([]string{missing}, &out, &errb); code != 1 {
		t.Errorf("missing file: exit %d, want 1", code)
	}
	assertOneLine(t, errb.String(), missing, "no such file")

	errb.Reset()
	if code := run(nil, &out, &errb); code != 2 {
		t.Errorf("no arguments: exit %d, want 2 (usage)", code)
	}
}

func assertOneLine(t *testing.T, stderr, path, want string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "mbpatch: "+path+": ") || !strings.Contains(stderr, want) {
		t.Errorf("stderr %q: want one line \"mbpatch: %s: ...%s...\"", stderr, path, want)
	}
}

// TestRealKernels runs Process on kernels built in this checkout (make
// build ARCH=386|amd64) and on any listed in $MBPATCH_TEST_ELF
// (os.PathListSeparator-separated), on in-memory copies.
func TestRealKernels(t *testing.T) {
	root := repoRoot(t)
	paths := []string{
		filepath.Join(root, "build", "386", "kernel.elf"),
		filepath.Join(root, "build", "amd64", "kernel.elf"),
	}
	if env := os.Getenv("MBPATCH_TEST_ELF"); env != "" {
		paths = append(paths, filepath.SplitList(env)...)
	}
	found := 0
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		found++
		t.Run(path, func(t *testing.T) {
			r, err := Process(data)
			if err != nil {
				t.Fatalf("Process: %v", err)
			}
			t.Logf("%s: header at %#x, flags %#x, load_end %#x, bss_end %#x, patched now: %v",
				r.Arch, r.Header.Offset, r.Header.Flags, r.LoadEndAddr, r.BssEndAddr, r.Patched)
			if r.Arch != "amd64" {
				return
			}
			f, err := elf.NewFile(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			segs := loads(f)
			last := segs[len(segs)-1]
			if uint64(r.LoadEndAddr) != last.Vaddr+last.Filesz || uint64(r.BssEndAddr) != last.Vaddr+last.Memsz {
				t.Errorf("load_end/bss_end %#x/%#x, last PT_LOAD %#x filesz %#x memsz %#x",
					r.LoadEndAddr, r.BssEndAddr, last.Vaddr, last.Filesz, last.Memsz)
			}
			// DWARF and the section headers follow the loaded data and stay out.
			if int(last.Off+last.Filesz) >= len(data) {
				t.Logf("note: nothing follows the last PT_LOAD in the file")
			}
			if r2, err := Process(data); err != nil || r2.Patched {
				t.Errorf("second Process: patched=%v err=%v", r2.Patched, err)
			}
		})
	}
	if found == 0 {
		t.Skip("no built kernel: run `make build ARCH=386` / `make build ARCH=amd64` or set MBPATCH_TEST_ELF")
	}
}

// repoRoot is the directory holding the tlbrace go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(string(b), "module tlbrace\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("cannot find the tlbrace go.mod above the test's directory")
		}
		dir = parent
	}
}
