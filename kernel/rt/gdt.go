package rt

// Segment descriptors: Intel SDM Vol. 3A §3.4.5 "Segment Descriptors" and
// §7.2.2 "TSS Descriptor" (§8.2.3 for the 64-bit TSS descriptor).

// GDT slots. The selector of slot i is i*8 | RPL.
const (
	gdtNull       = iota
	gdtKernelCode // 0x08
	gdtKernelData // 0x10
	gdtUserCode   // 0x18, used as 0x1b
	gdtUserData   // 0x20, used as 0x23
	gdtTSS        // 0x28; on amd64 the TSS descriptor takes two slots
	gdtTSSHigh    // 0x30: amd64 upper half of the TSS descriptor
	gdtTLS        // 0x38: 386 only, the GS segment whose base is the TLS block
	gdtDoubleTSS  // 0x40: 386 only, the TSS a #DF task gate switches to
	gdtSlots
)

// Selectors the rest of the kernel uses.
const (
	KernelCS = gdtKernelCode << 3
	KernelDS = gdtKernelData << 3
	UserCS   = gdtUserCode<<3 | 3
	UserDS   = gdtUserData<<3 | 3
	TSSSel   = gdtTSS << 3
	TLSSel   = gdtTLS << 3
	DFTSSSel = gdtDoubleTSS << 3
)

// Access byte bits (SDM Vol. 3A Figure 3-8).
const (
	accPresent  = 1 << 7
	accDPL3     = 3 << 5
	accSegment  = 1 << 4 // code/data (S=1), not a system descriptor
	accCode     = 1 << 3 // executable
	accRW       = 1 << 1 // readable code / writable data
	accTSSAvail = 0x9    // system type: 32/64-bit TSS, available
)

// Flag nibble (SDM Vol. 3A Figure 3-8: G, D/B, L, AVL).
const (
	flagGran4K = 1 << 3
	flagDB32   = 1 << 2 // 32-bit default operand size
	flagLong   = 1 << 1 // 64-bit code segment
)

// descriptor encodes a segment descriptor from its base, 20-bit limit,
// access byte and flag nibble.
func descriptor(base, limit uint32, access, flags uint8) uint64 {
	d := uint64(limit & 0xffff)
	d |= uint64(base&0xffffff) << 16
	d |= uint64(access) << 40
	d |= uint64((limit>>16)&0xf) << 48
	d |= uint64(flags&0xf) << 52
	d |= uint64(base>>24) << 56
	return d
}

// pseudoDescriptor is the operand of LGDT/LIDT: a 16-bit limit followed by
// the base (4 bytes on 386, 8 on amd64). Kept unpadded by using bytes.
type pseudoDescriptor [10]byte

func (p *pseudoDescriptor) set(base uintptr, size int) {
	limit := size - 1
	p[0] = byte(limit)
	p[1] = byte(limit >> 8)
	for i := 0; i < 8; i++ {
		p[2+i] = byte(uint64(base) >> (8 * i))
	}
}
