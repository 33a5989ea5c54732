// Host tests: build boot information the way a loader would, in a Go byte
// array standing in for physical memory, and parse it with the kernel's code.
package multiboot

import (
	"strings"
	"testing"
	"unsafe"
)

// fake is 16 KiB of pretend physical memory, starting at address 0.
type fake struct{ mem [0x4000]byte }

func (f *fake) window() Memory {
	return Memory{Base: unsafe.Pointer(&f.mem[0]), Size: uint64(len(f.mem))}
}

func (f *fake) put32(addr, v uint32) {
	for i := range uint32(4) {
		f.mem[addr+i] = byte(v >> (8 * i))
	}
}

func (f *fake) put64(addr uint32, v uint64) {
	f.put32(addr, uint32(v))
	f.put32(addr+4, uint32(v>>32))
}

func (f *fake) putString(addr uint32, s string) {
	copy(f.mem[addr:], s+"\x00")
}

// Where the example boot information lives in the fake memory.
const (
	infoAt    = 0x100
	cmdlineAt = 0x200
	modsAt    = 0x300
	mmapAt    = 0x500
)

const cmdline = "/boot/kernel.elf test=all flush=racy"

// exampleMap is a typical PC memory map, with a region above 4 GiB.
var exampleMap = []Region{
	{0, 0x9fc00, TypeAvailable},
	{0x9fc00, 0x400, TypeReserved},
	{0xf0000, 0x10000, TypeReserved},
	{0x100000, 0x7ee0000, TypeAvailable},
	{0x7fe0000, 0x10000, TypeACPIReclaimable},
	{0x7ff0000, 0x10000, TypeACPINVS},
	{0x8000000, 0x1000, TypeBad},
	{0xfffc0000, 0x40000, TypeReserved},
	{0x100000000, 0x40000000, TypeAvailable},
	{0x140000000, 0x1000, 99},
}

// putMap writes regions as memory map entries at mmapAt and returns the
// map's length in bytes. Entry i gets the size field sizes(i).
func (f *fake) putMap(regions []Region, sizes func(i int) uint32) uint32 {
	at := uint32(mmapAt)
	for i, r := range regions {
		size := sizes(i)
		f.put32(at, size)
		f.put64(at+4, r.Base)
		f.put64(at+12, r.Length)
		f.put32(at+20, r.Type)
		at += 4 + size
	}
	return at - mmapAt
}

func size20(int) uint32 { return 20 }

// example builds complete boot information with every field we read.
func example() *fake {
	f := new(fake)
	f.put32(infoAt, FlagMem|FlagCmdline|FlagMods|FlagMmap|1<<1|1<<9) // plus boot_device, boot_loader_name
	f.put32(infoAt+4, 639)
	f.put32(infoAt+8, 130048)
	f.put32(infoAt+16, cmdlineAt)
	f.putString(cmdlineAt, cmdline)
	f.put32(infoAt+20, 2)
	f.put32(infoAt+24, modsAt)
	f.put32(modsAt, 0x200000)
	f.put32(modsAt+4, 0x280000)
	f.put32(modsAt+8, 0x400)
	f.putString(0x400, "/boot/initrd.cpio")
	f.put32(modsAt+16, 0x280000)
	f.put32(modsAt+20, 0x281000)
	f.put32(modsAt+24, 0x440)
	f.putString(0x440, "")
	// Entry 2 is longer than needed (a loader adding fields): it must be skipped over.
	f.put32(infoAt+44, f.putMap(exampleMap, func(i int) uint32 { return 20 + 4*uint32(i%3/2) }))
	f.put32(infoAt+48, mmapAt)
	return f
}

func TestCheckMagic(t *testing.T) {
	if !CheckMagic(0x2BADB002) || CheckMagic(0x36d76289) || CheckMagic(0) {
		t.Error("CheckMagic accepts the wrong values")
	}
}

func TestParseExample(t *testing.T) {
	info, err := Parse(example().window(), infoAt)
	if err != nil {
		t.Fatalf("Parse: %s", message(err))
	}
	if !info.HasMem || !info.HasCmdline || !info.HasModules || !info.HasMemoryMap || info.Flags != 0x24f {
		t.Errorf("flags: %+v", info)
	}
	if info.MemLowerKiB != 639 || info.MemUpperKiB != 130048 {
		t.Errorf("mem_lower/upper = %d/%d", info.MemLowerKiB, info.MemUpperKiB)
	}
	if info.Cmdline != cmdline {
		t.Errorf("Cmdline = %q", info.Cmdline)
	}
	mods := info.ModuleList()
	if len(mods) != 2 || mods[0] != (Module{0x200000, 0x280000, "/boot/initrd.cpio"}) ||
		mods[1] != (Module{0x280000, 0x281000, ""}) {
		t.Errorf("modules = %+v", mods)
	}
	got := info.MemoryMap()
	if len(got) != len(exampleMap) {
		t.Fatalf("%d regions, want %d: %+v", len(got), len(exampleMap), got)
	}
	for i := range got {
		if got[i] != exampleMap[i] {
			t.Errorf("region %d = %+v, want %+v", i, got[i], exampleMap[i])
		}
	}
	if want := uint64(0x9fc00 + 0x7ee0000 + 0x40000000); info.TotalAvailable() != want {
		t.Errorf("TotalAvailable = %#x, want %#x", info.TotalAvailable(), want)
	}
}

// Fields whose flag bit is clear must not be read, however bad they are.
func TestParseHonoursFlags(t *testing.T) {
	f := example()
	f.put32(infoAt, 0)
	f.put32(infoAt+16, 0xffffffff) // would be outside memory
	f.put32(infoAt+20, 1000)       // far too many modules
	f.put32(mmapAt, 3)             // malformed map
	info, err := Parse(f.window(), infoAt)
	if err != nil || info != (Info{}) {
		t.Errorf("Parse with no flags = %+v, %v", info, err)
	}
}

func TestTypeName(t *testing.T) {
	names := map[uint32]string{1: "available", 2: "reserved", 3: "ACPI reclaimable", 4: "ACPI NVS",
		5: "bad", 0: "unknown (reserved)", 6: "unknown (reserved)"}
	for typ, want := range names {
		if got := (Region{Type: typ}).TypeName(); got != want {
			t.Errorf("type %d: %q, want %q", typ, got, want)
		}
	}
}

func TestTotalAvailableSaturates(t *testing.T) {
	var info Info
	info.Regions[0] = Region{0, 1 << 63, TypeAvailable}
	info.Regions[1] = Region{1 << 63, 1 << 63, TypeAvailable}
	info.Regions[2] = Region{0, 5, TypeReserved}
	info.NumRegions = 3
	if got := info.TotalAvailable(); got != 1<<64-1 {
		t.Errorf("TotalAvailable = %#x", got)
	}
}

func message(e *Error) string {
	var buf [200]byte
	return string(buf[:e.Message(buf[:])])
}

func TestMessageZeroError(t *testing.T) {
	if m := message(&Error{Index: -1}); !strings.HasSuffix(m, "no problem") {
		t.Errorf("zero Error: %q", m)
	}
}
