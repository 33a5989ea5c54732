package rt

import "unsafe"

// addrOf returns the address of a byte as a uintptr.
//
//go:nosplit
func addrOf(p *byte) uintptr { return uintptr(unsafe.Pointer(p)) }
