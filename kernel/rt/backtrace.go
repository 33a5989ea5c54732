package rt

import "unsafe"

// MaxFrames bounds every backtrace: a corrupt stack must not loop forever.
const MaxFrames = 24

// Frames is a fixed-size list of program counters (no heap).
type Frames struct {
	PC [MaxFrames]uintptr
	N  int
}

func (fr *Frames) add(pc uintptr) bool {
	if fr.N == MaxFrames {
		return false
	}
	fr.PC[fr.N] = pc
	fr.N++
	return true
}

// load reads a word of kernel memory.
func load(addr uintptr) uintptr { return *(*uintptr)(unsafe.Pointer(addr)) }

// loadByte reads a byte of kernel memory.
func loadByte(addr uintptr) byte { return *(*byte)(unsafe.Pointer(addr)) }

// isReturnAddress reports whether pc lies in a known function right after
// a CALL instruction: the test a stack scan needs to tell return addresses
// from other words that happen to point into the text segment.
// Encodings: Intel SDM Vol. 2A "CALL": E8 rel32; FF /2 with a register,
// a disp8 or a disp32 operand.
func isReturnAddress(pc uintptr) bool {
	if pc < 8 || !FuncEntry(pc-1) {
		return false
	}
	if loadByte(pc-5) == 0xe8 {
		return true
	}
	isCallRM := func(op, modrm byte, mod byte) bool {
		return op == 0xff && modrm&0x38 == 0x10 && modrm>>6 == mod
	}
	return isCallRM(loadByte(pc-2), loadByte(pc-1), 3) ||
		isCallRM(loadByte(pc-3), loadByte(pc-2), 1) ||
		isCallRM(loadByte(pc-6), loadByte(pc-5), 2)
}

// Backtrace collects pc and the return addresses above it on the stack
// [lo, hi); sp is SP when pc is about to execute (a fault's, or
// BacktraceHere's) and bp the frame pointer. amd64 code keeps frame
// pointers: the chain through bp is the backtrace. 386 code keeps none:
// there the linker's stack-pointer tables unwind it (unwind.go), and only
// where they cannot — no frame beyond the first — is the stack scanned for
// words that are return addresses, stale ones included.
func Backtrace(pc, sp, bp, lo, hi uintptr) Frames {
	var fr Frames
	fr.add(pc)
	if sp < lo || sp >= hi {
		return fr
	}
	if unsafe.Sizeof(pc) == 8 {
		// A frameless leaf (most asm stubs, small Go leaves) has not pushed
		// BP: its caller is named only by the return address at SP (not pc
		// itself: BacktraceHere's SP holds here's result, pc).
		if top := load(sp); top != pc && isReturnAddress(top) && (bp < sp || bp+16 > hi || load(bp+8) != top) {
			fr.add(top)
		}
		for bp >= sp && bp+16 <= hi && bp&7 == 0 {
			ret := load(bp + 8)
			if !isReturnAddress(ret) || !fr.add(ret) {
				break
			}
			next := load(bp)
			if next <= bp {
				break
			}
			bp = next
		}
		return fr
	}
	if unwind(&fr, pc, sp, lo, hi); fr.N > 1 {
		return fr
	}
	for a := sp &^ 3; a+4 <= hi; a += 4 {
		if w := load(a); isReturnAddress(w) && !fr.add(w) {
			break
		}
	}
	return fr
}
