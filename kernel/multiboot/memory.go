// Package multiboot reads the boot information a Multiboot (version 1)
// boot loader such as GRUB or QEMU's -kernel leaves for the kernel:
// command line, memory sizes, boot modules and the memory map.
// Reference: Multiboot Specification 0.6.96, §3.2 and §3.3.
//
// This file is how the parser reaches physical memory. All reads go
// through a Memory window, so the kernel (identity-mapped memory) and the
// host tests (a Go byte array posing as physical memory) run the same code.
package multiboot

import "unsafe"

// Memory is a window onto physical memory: physical address a is found at
// Base+a, and addresses from Size on are out of reach. In a kernel that has
// identity-mapped the low 4 GiB, use Memory{Base: nil, Size: 1 << 32}.
type Memory struct {
	Base unsafe.Pointer
	Size uint64
}

// bytes returns the n bytes at physical address addr, or ok=false if any
// of them lies outside the window. Address 0 is always refused: a boot
// loader never puts anything there, so 0 is a missing pointer.
func (m Memory) bytes(addr, n uint64) (b []byte, ok bool) {
	if addr == 0 || addr > m.Size || n > m.Size-addr {
		return nil, false
	}
	return unsafe.Slice((*byte)(unsafe.Add(m.Base, uintptr(addr))), n), true
}

// cstring returns the NUL-terminated string at addr without copying it.
// A string longer than MaxString is cut to MaxString bytes (StringTooLong);
// one running off the end of the window is refused (BadAddress). Address 0
// means no string.
func (m Memory) cstring(addr uint32) (string, Problem) {
	if addr == 0 {
		return "", OK
	}
	if uint64(addr) >= m.Size {
		return "", BadAddress
	}
	b, _ := m.bytes(uint64(addr), min(MaxString+1, m.Size-uint64(addr)))
	for i, c := range b {
		if c == 0 {
			return unsafe.String(&b[0], i), OK
		}
	}
	if len(b) <= MaxString {
		return "", BadAddress // no NUL before the end of memory
	}
	return unsafe.String(&b[0], MaxString), StringTooLong
}

// le32 and le64 read little-endian numbers byte by byte, so that fields
// at any alignment can be read (memory map entries are only 4-aligned).
func le32(b []byte) uint32 {
	_ = b[3]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func le64(b []byte) uint64 {
	return uint64(le32(b)) | uint64(le32(b[4:]))<<32
}
