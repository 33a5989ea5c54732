package smp

import (
	"encoding/binary"
	"testing"
	"unsafe"
)

// A fake 1 MiB + 64 KiB of physical memory for the parsers.
type fakeMem [0x110000]byte

func (f *fakeMem) window() Memory { return Memory{Base: unsafe.Pointer(&f[0]), Size: uint64(len(f))} }

// fixSum sets b[at] so that b sums to 0.
func fixSum(b []byte, at int) {
	b[at] = 0
	var s byte
	for _, x := range b {
		s += x
	}
	b[at] = -s
}

// acpiTable writes an ACPI table with signature sig and body at addr.
func (f *fakeMem) acpiTable(addr int, sig string, body []byte) {
	n := acpiHeaderLen + len(body)
	t := f[addr : addr+n]
	copy(t, sig)
	binary.LittleEndian.PutUint32(t[4:], uint32(n))
	copy(t[acpiHeaderLen:], body)
	fixSum(t, 9)
}

// madt builds a MADT body: local APIC address, flags, then one Processor
// Local APIC entry per id, enabled[i] giving its flag; an I/O APIC entry
// sits between them, as on real firmware.
func madt(ids []uint8, enabled []bool) []byte {
	b := make([]byte, 8) // local APIC address, flags
	for i, id := range ids {
		flags := byte(0)
		if enabled[i] {
			flags = 1
		}
		b = append(b, 0, 8, byte(i), id, flags, 0, 0, 0)
		if i == 0 {
			b = append(b, 1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0) // I/O APIC
		}
	}
	return b
}

func (f *fakeMem) acpi(rsdp int, ids []uint8, enabled []bool) {
	const rsdtAt, madtAt = 0x80000, 0x81000
	r := f[rsdp : rsdp+20]
	copy(r, "RSD PTR ")
	binary.LittleEndian.PutUint32(r[rsdpRSDTAddress:], rsdtAt)
	fixSum(r, 8)
	var rsdt [8]byte
	binary.LittleEndian.PutUint32(rsdt[0:], 0x82000) // another table first (FACP)
	binary.LittleEndian.PutUint32(rsdt[4:], madtAt)
	f.acpiTable(rsdtAt, "RSDT", rsdt[:])
	f.acpiTable(0x82000, "FACP", make([]byte, 8))
	f.acpiTable(madtAt, "APIC", madt(ids, enabled))
}

func (f *fakeMem) mp(at int, ids []uint8) {
	const cfg = 0x83000
	p := f[at : at+16]
	copy(p, "_MP_")
	binary.LittleEndian.PutUint32(p[mpfConfig:], cfg)
	p[8] = 1
	fixSum(p, 10)
	var body []byte
	for i, id := range ids {
		e := make([]byte, mpProcessorLen)
		e[1], e[3] = id, 1
		if i == 0 {
			e[3] |= 2 // the boot processor
		}
		body = append(body, e...)
		body = append(body, 1, 0, 0, 0, 0, 0, 0, 0) // a bus entry
	}
	n := mpHeaderLen + len(body)
	t := f[cfg : cfg+n]
	copy(t, "PCMP")
	binary.LittleEndian.PutUint16(t[4:], uint16(n))
	copy(t[mpHeaderLen:], body)
	fixSum(t, 7)
}

func TestDiscoverMADT(t *testing.T) {
	f := new(fakeMem)
	f.acpi(0xf5a40, []uint8{0, 1, 2, 3, 1}, []bool{true, true, false, true, true})
	got := Discover(f.window())
	if got.Source != "ACPI MADT" || got.N != 3 || got.APICIDs[0] != 0 || got.APICIDs[1] != 1 || got.APICIDs[2] != 3 {
		t.Errorf("got %+v; want ids 0 1 3 (2 disabled, 1 listed twice) from the MADT", got)
	}
}

func TestDiscoverEBDA(t *testing.T) {
	f := new(fakeMem)
	binary.LittleEndian.PutUint16(f[bdaEBDASegment:], 0x9fc0)
	f.acpi(0x9fc10, []uint8{5, 6}, []bool{true, true})
	if got := Discover(f.window()); got.Source != "ACPI MADT" || got.N != 2 || got.APICIDs[1] != 6 {
		t.Errorf("RSDP in the EBDA: got %+v", got)
	}
}

func TestDiscoverMPWhenMADTBroken(t *testing.T) {
	f := new(fakeMem)
	f.acpi(0xf5a40, []uint8{0, 1}, []bool{true, true})
	f[0x81000+acpiHeaderLen+3]++ // the MADT's checksum no longer holds
	f.mp(0xf6000, []uint8{0, 2})
	got := Discover(f.window())
	if got.Source != "MP table" || got.N != 2 || got.APICIDs[1] != 2 || got.BadSum != "APIC" {
		t.Errorf("got %+v; want the MP table's 0 and 2, and the bad MADT named", got)
	}
}

func TestDiscoverNothing(t *testing.T) {
	f := new(fakeMem)
	copy(f[0xf0000:], "RSD PTR ") // a signature with a wrong checksum
	if got := Discover(f.window()); got.Source != "none" || got.N != 0 {
		t.Errorf("got %+v; want none", got)
	}
}

func TestDiscoverMany(t *testing.T) {
	f := new(fakeMem)
	var ids []uint8
	var on []bool
	for i := 0; i < MaxFound+3; i++ {
		ids, on = append(ids, uint8(i)), append(on, true)
	}
	f.acpi(0xf0000, ids, on)
	if got := Discover(f.window()); got.N != MaxFound || got.More != 3 {
		t.Errorf("got N=%d More=%d; want %d and 3", got.N, got.More, MaxFound)
	}
}

// A malformed MADT entry (length 0) ends the list instead of looping.
func TestDiscoverMalformedEntry(t *testing.T) {
	f := new(fakeMem)
	f.acpi(0xf0000, []uint8{0, 1}, []bool{true, true})
	m := f[0x81000:]
	m[madtEntries+1] = 0
	fixSum(m[:binary.LittleEndian.Uint32(m[4:])], 9)
	if got := Discover(f.window()); got.N != 0 {
		t.Errorf("got %+v after a zero-length entry", got)
	}
}
