package rt

// TSS is the 64-bit task-state segment, field for field as Intel SDM Vol.
// 3A §8.7, Figure 8-11 names them; the blank fields are reserved. Its
// 64-bit fields sit at offsets that are multiples of 4 but not of 8 (RSP0
// at 4), where a Go uint64 field cannot be (Go aligns uint64 to 8 on
// amd64): each is a Split64. tss_amd64_test.go checks every offset.
type TSS struct {
	_         uint32
	RSP0      Split64
	RSP1      Split64
	RSP2      Split64
	_         Split64
	IST1      Split64
	IST2      Split64
	IST3      Split64
	IST4      Split64
	IST5      Split64
	IST6      Split64
	IST7      Split64
	_         Split64
	_         uint16
	IOMapBase uint16 // "I/O Map Base Address"
}

// Split64 is a 64-bit TSS field as two 32-bit halves, low half first (the
// little-endian layout of the uint64 itself), so it needs only 4-byte
// alignment.
type Split64 [2]uint32

// Set stores v.
//
//go:nosplit
func (s *Split64) Set(v uint64) { s[0], s[1] = uint32(v), uint32(v>>32) }

// Get returns the stored value.
//
//go:nosplit
func (s *Split64) Get() uint64 { return uint64(s[0]) | uint64(s[1])<<32 }

// setKernelStack sets the stack the CPU switches to on entry from ring 3 (RSP0).
//
//go:nosplit
func (t *TSS) setKernelStack(top uintptr) { t.RSP0.Set(uint64(top)) }
