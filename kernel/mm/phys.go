package mm

import "unsafe"

// physBytes returns n bytes of physical memory at pa as a slice.
func physBytes(pa, n uintptr) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(physToVirt(pa))), n)
}
