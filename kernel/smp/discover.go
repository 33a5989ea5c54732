package smp

import "unsafe"

// Finding the processors: the firmware lists them, as local APIC ids, in
// the ACPI MADT (preferred) or, on older machines, in the Intel MultiProcessor
// table. QEMU's SeaBIOS provides both for -smp N. The parsing is pure logic
// over a window onto physical memory, so the host tests feed it byte
// arrays posing as firmware.

// Memory is a window onto physical memory: physical address a is found at
// Base+a, and addresses from Size on are out of reach. The kernel, with
// the low 4 GiB identity-mapped (before its own page tables), uses
// Memory{Base: nil, Size: 1 << 32}.
type Memory struct {
	Base unsafe.Pointer
	Size uint64
}

// bytes returns the n bytes at addr, or ok=false if any lies outside the
// window (address 0 is refused too: a missing pointer).
func (m Memory) bytes(addr, n uint64) (b []byte, ok bool) {
	if addr == 0 || addr > m.Size || n > m.Size-addr {
		return nil, false
	}
	return unsafe.Slice((*byte)(unsafe.Add(m.Base, uintptr(addr))), n), true
}

// MaxFound bounds the processors Discover lists.
const MaxFound = 16

// Found is what the firmware says about the processors.
type Found struct {
	Source  string // "ACPI MADT", "MP table", or "none" (a uniprocessor)
	APICIDs [MaxFound]uint8
	N       int    // entries in APICIDs: enabled processors, in firmware order
	More    int    // enabled processors beyond MaxFound, not listed
	BadSum  string // a table that was found but failed its checksum
}

func (f *Found) add(id uint8) {
	if f.N == MaxFound {
		f.More++
		return
	}
	for i := 0; i < f.N; i++ {
		if f.APICIDs[i] == id {
			return // listed twice: count once
		}
	}
	f.APICIDs[f.N] = id
	f.N++
}

// Where firmware tables may be: the first KiB of the extended BIOS data
// area (its segment is the word at 0x40E of the BIOS data area) and the
// BIOS ROM area 0xE0000–0xFFFFF, on 16-byte boundaries (ACPI 6.4 §5.2.5.1
// "Finding the RSDP on IA-PC Systems"; MP Spec 1.4 §4 has the same places
// for its floating pointer, plus the last KiB of base memory).
const (
	bdaEBDASegment = 0x40e
	biosAreaStart  = 0xe0000
	biosAreaEnd    = 0x100000
	baseMemLastKiB = 0x9fc00
)

// Discover looks for the MADT, then for the MP table.
func Discover(m Memory) Found {
	var f Found
	if rsdp, ok := findSignature(m, "RSD PTR ", 20); ok {
		if parseACPI(m, rsdp, &f) {
			return f
		}
	}
	if mpf, ok := findSignature(m, "_MP_", 16); ok {
		if parseMP(m, mpf, &f) {
			return f
		}
	}
	f.Source = "none"
	return f
}

// findSignature scans the usual places for a structure that starts with
// sig and whose first n bytes sum to 0 (mod 256).
func findSignature(m Memory, sig string, n uint64) (uint64, bool) {
	var areas [3][2]uint64
	k := 0
	if b, ok := m.bytes(bdaEBDASegment, 2); ok {
		if ebda := uint64(le16(b)) << 4; ebda != 0 {
			areas[k] = [2]uint64{ebda, ebda + 1024}
			k++
		}
	}
	areas[k] = [2]uint64{baseMemLastKiB, baseMemLastKiB + 1024}
	areas[k+1] = [2]uint64{biosAreaStart, biosAreaEnd}
	// Each area is one slice, scanned by index, the first byte tested
	// before the rest: the boot CPU scans up to 129 KiB in 16-byte steps
	// before the ready line, where every instruction is boot time.
	for _, a := range areas[:k+2] {
		area, ok := m.bytes(a[0], a[1]-a[0])
		if !ok {
			continue
		}
		for i := 0; i+int(n) <= len(area); i += 16 {
			if area[i] != sig[0] || string(area[i:i+len(sig)]) != sig {
				continue
			}
			if sum(area[i:i+int(n)]) == 0 {
				return a[0] + uint64(i), true
			}
		}
	}
	return 0, false
}

// ACPI tables: ACPI 6.4 §5.2.5.3 (RSDP), §5.2.6 (the common header:
// signature, length at 4, checksum over length), §5.2.7 (RSDT: 32-bit
// pointers after the header), §5.2.12 (MADT).
const (
	acpiHeaderLen   = 36
	rsdpRSDTAddress = 16
	madtEntries     = 44 // after the header, the local APIC address and flags
	madtLocalAPIC   = 0  // entry type: Processor Local APIC (§5.2.12.2)
	madtLAPICID     = 3  // its APIC id
	madtLAPICFlags  = 4  // bit 0: enabled
)

func parseACPI(m Memory, rsdp uint64, f *Found) bool {
	b, _ := m.bytes(rsdp, 20)
	rsdt, ok := table(m, uint64(le32(b[rsdpRSDTAddress:])), "RSDT", f)
	if !ok {
		return false
	}
	for off := acpiHeaderLen; off+4 <= len(rsdt); off += 4 {
		madt, ok := table(m, uint64(le32(rsdt[off:])), "APIC", f)
		if !ok {
			continue
		}
		f.Source = "ACPI MADT"
		for e := madtEntries; e+2 <= len(madt); {
			typ, n := madt[e], int(madt[e+1])
			if n < 2 || e+n > len(madt) {
				break // a malformed entry ends the list
			}
			if typ == madtLocalAPIC && n >= 8 && le32(madt[e+madtLAPICFlags:])&1 != 0 {
				f.add(madt[e+madtLAPICID])
			}
			e += n
		}
		return f.N > 0
	}
	return false
}

// table returns the ACPI table at addr if it has signature sig and a good
// checksum.
func table(m Memory, addr uint64, sig string, f *Found) ([]byte, bool) {
	h, ok := m.bytes(addr, acpiHeaderLen)
	if !ok || string(h[:4]) != sig {
		return nil, false
	}
	n := uint64(le32(h[4:]))
	t, ok := m.bytes(addr, n)
	if !ok || n < acpiHeaderLen {
		return nil, false
	}
	if sum(t) != 0 {
		f.BadSum = sig
		return nil, false
	}
	return t, true
}

// The MP table: MP Spec 1.4 §4.1 (floating pointer: the configuration
// table's address at 4), §4.2 (table header: base table length at 4,
// entries from 44), §4.3.1 (processor entry: 20 bytes, APIC id at 1, CPU
// flags at 3, bit 0 enabled); every other entry type is 8 bytes.
const (
	mpfConfig      = 4
	mpHeaderLen    = 44
	mpProcessor    = 0
	mpProcessorLen = 20
	mpOtherLen     = 8
)

func parseMP(m Memory, mpf uint64, f *Found) bool {
	b, _ := m.bytes(mpf, 16)
	addr := uint64(le32(b[mpfConfig:]))
	h, ok := m.bytes(addr, mpHeaderLen)
	if !ok || string(h[:4]) != "PCMP" {
		return false // a default configuration (no table): treat as none
	}
	t, ok := m.bytes(addr, uint64(le16(h[4:])))
	if !ok || len(t) < mpHeaderLen {
		return false
	}
	if sum(t) != 0 {
		f.BadSum = "PCMP"
		return false
	}
	f.Source = "MP table"
	for e := mpHeaderLen; e < len(t); {
		if t[e] != mpProcessor {
			e += mpOtherLen
			continue
		}
		if e+mpProcessorLen > len(t) {
			break
		}
		if t[e+3]&1 != 0 {
			f.add(t[e+1])
		}
		e += mpProcessorLen
	}
	return f.N > 0
}

func sum(b []byte) byte {
	var s byte
	for _, x := range b {
		s += x
	}
	return s
}

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}
