// This file checks the boot magic and parses the boot information
// structure (Multiboot 0.6.96 §3.3 "Boot information format") into Info.
package multiboot

// BootMagic is what a Multiboot loader leaves in EAX when it jumps to the
// kernel (§3.2 "Machine state").
const BootMagic = 0x2BADB002

// CheckMagic reports whether eax shows a Multiboot loader started us; if
// not, there is no boot information structure to read.
func CheckMagic(eax uint32) bool { return eax == BootMagic }

// Bits of the flags word, the first field of the information structure:
// each says whether a group of fields is present (§3.3).
const (
	FlagMem     = 1 << 0 // mem_lower, mem_upper
	FlagCmdline = 1 << 2 // cmdline
	FlagMods    = 1 << 3 // mods_count, mods_addr
	FlagMmap    = 1 << 6 // mmap_length, mmap_addr
)

// Byte offsets of the fields we read in the information structure (§3.3).
const (
	offFlags      = 0
	offMemLower   = 4
	offMemUpper   = 8
	offCmdline    = 16
	offModsCount  = 20
	offModsAddr   = 24
	offMmapLength = 44
	offMmapAddr   = 48
	infoSize      = 52 // up to and including mmap_addr

	moduleSize = 16 // mod_start, mod_end, string, reserved (§3.3)
)

// Limits of what Info holds.
const (
	MaxModules = 8
	MaxRegions = 32
	MaxString  = 4096 // longest command line kept, in bytes
)

// Module is a boot module (e.g. an initrd) the loader put in memory at
// physical addresses [Start, End), with its command line.
type Module struct {
	Start, End uint32
	Cmdline    string
}

// Info is the parsed boot information. Strings are not copied: they point
// into the loader's memory, which must not be reused while they are needed.
type Info struct {
	Flags        uint32 // the raw flags word
	HasMem       bool   // MemLowerKiB and MemUpperKiB are valid
	HasCmdline   bool
	HasModules   bool
	HasMemoryMap bool

	MemLowerKiB uint32 // memory below 1 MiB, in KiB
	MemUpperKiB uint32 // memory from 1 MiB to the first hole, in KiB
	Cmdline     string // the kernel command line: image path, then options

	Modules    [MaxModules]Module
	NumModules int
	Regions    [MaxRegions]Region // the memory map, in the loader's order
	NumRegions int
}

// ModuleList and MemoryMap return the used parts of Modules and Regions.
func (i *Info) ModuleList() []Module { return i.Modules[:i.NumModules] }
func (i *Info) MemoryMap() []Region  { return i.Regions[:i.NumRegions] }

// Parse reads the information structure at physical address addr (the
// value the loader left in EBX). Each group of fields is read only if its
// flag bit is set. Problems are reported, not fatal: Parse returns what it
// could read and the first problem found (nil if none).
func Parse(mem Memory, addr uint32) (Info, *Error) {
	var info Info
	lastError = Error{}
	if b, ok := mem.bytes(uint64(addr), infoSize); !ok {
		report(BadAddress, "information structure", -1, uint64(addr))
	} else {
		info.parse(mem, b)
	}
	if lastError.Problem != OK {
		return info, &lastError
	}
	return info, nil
}

// parse reads the fields of the information structure b.
func (info *Info) parse(mem Memory, b []byte) {
	info.Flags = le32(b[offFlags:])
	if info.Flags&FlagMem != 0 {
		info.HasMem = true
		info.MemLowerKiB = le32(b[offMemLower:])
		info.MemUpperKiB = le32(b[offMemUpper:])
	}
	if info.Flags&FlagCmdline != 0 {
		info.HasCmdline = true
		at := le32(b[offCmdline:])
		var p Problem
		info.Cmdline, p = mem.cstring(at)
		report(p, "command line", -1, uint64(at))
	}
	if info.Flags&FlagMods != 0 {
		info.HasModules = true
		info.parseModules(mem, le32(b[offModsCount:]), le32(b[offModsAddr:]))
	}
	if info.Flags&FlagMmap != 0 {
		info.HasMemoryMap = true
		info.parseMemoryMap(mem, le32(b[offMmapAddr:]), le32(b[offMmapLength:]))
	}
}

// parseModules reads the module table: count entries at addr (§3.3).
func (info *Info) parseModules(mem Memory, count, addr uint32) {
	n := min(count, MaxModules)
	if n == 0 {
		return
	}
	table, ok := mem.bytes(uint64(addr), uint64(n)*moduleSize)
	if !ok {
		report(BadAddress, "module table", -1, uint64(addr))
		return
	}
	for i := range int(n) {
		e := table[i*moduleSize:]
		m := &info.Modules[i]
		m.Start, m.End = le32(e[0:]), le32(e[4:])
		at := le32(e[8:])
		var p Problem
		m.Cmdline, p = mem.cstring(at)
		report(p, "command line of module", i, uint64(at))
		info.NumModules++
	}
	if count > MaxModules {
		report(TooManyModules, "module table", -1, uint64(count))
	}
}
