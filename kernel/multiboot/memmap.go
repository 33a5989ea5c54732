// This file reads the BIOS memory map the loader passes along
// (Multiboot 0.6.96 §3.3, the mmap_* fields) into Info.Regions.
package multiboot

// Region is one memory map entry: physical addresses [Base, Base+Length)
// of one Type. Base and Length are 64-bit: RAM can lie above 4 GiB.
type Region struct {
	Base, Length uint64
	Type         uint32
}

// Region types (§3.3; the same numbers as the BIOS E820 address range
// types in the ACPI specification, "Address Range Types"). Any other value
// must be treated as reserved.
const (
	TypeAvailable       = 1 // RAM the kernel may use
	TypeReserved        = 2
	TypeACPIReclaimable = 3 // holds ACPI tables; usable once they are read
	TypeACPINVS         = 4 // must be preserved across sleep (hibernation)
	TypeBad             = 5 // defective RAM
)

// TypeName names the region's type for printing.
func (r Region) TypeName() string {
	switch r.Type {
	case TypeAvailable:
		return "available"
	case TypeReserved:
		return "reserved"
	case TypeACPIReclaimable:
		return "ACPI reclaimable"
	case TypeACPINVS:
		return "ACPI NVS"
	case TypeBad:
		return "bad"
	}
	return "unknown (reserved)"
}

// TotalAvailable adds up the lengths of the available regions (without
// looking for overlaps). The sum stops at 2^64-1 rather than wrapping.
func (i *Info) TotalAvailable() uint64 {
	var total uint64
	for _, r := range i.Regions[:i.NumRegions] {
		if r.Type == TypeAvailable {
			if total+r.Length < total {
				return 1<<64 - 1
			}
			total += r.Length
		}
	}
	return total
}

// Layout of a memory map entry (§3.3): a size field, then size bytes
// holding base_addr, length and type. The next entry starts size+4 bytes
// on; size may exceed 20 if a loader adds fields, which we skip.
const (
	entrySizeField = 4
	entryMinSize   = 20 // base_addr (8) + length (8) + type (4)
)

// parseMemoryMap walks the length bytes of entries at addr. It keeps the
// first MaxRegions regions but checks (and counts) every entry.
func (info *Info) parseMemoryMap(mem Memory, addr, length uint32) {
	at, end := uint64(addr), uint64(addr)+uint64(length)
	count := 0
	for ; at < end; count++ {
		if end-at < entrySizeField {
			report(MapOverrun, "memory map entry", count, uint64(length))
			return
		}
		b, ok := mem.bytes(at, entrySizeField)
		if !ok {
			report(BadAddress, "memory map entry", count, at)
			return
		}
		size := uint64(le32(b))
		if size < entryMinSize {
			report(EntryTooSmall, "memory map entry", count, size)
			return
		}
		if size > end-at-entrySizeField {
			report(MapOverrun, "memory map entry", count, uint64(length))
			return
		}
		if b, ok = mem.bytes(at, entrySizeField+entryMinSize); !ok {
			report(BadAddress, "memory map entry", count, at)
			return
		}
		if count < MaxRegions {
			info.Regions[count] = Region{Base: le64(b[4:]), Length: le64(b[12:]), Type: le32(b[20:])}
			info.NumRegions++
		}
		at += entrySizeField + size
	}
	if count > MaxRegions {
		report(TooManyRegions, "memory map", -1, uint64(count))
	}
}
