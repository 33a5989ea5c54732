package rt

import (
	"runtime"
	"unsafe"
)

// Exact unwinding from the linker's stack-pointer tables.
//
// 386 code keeps no frame pointers, so a backtrace used to scan the stack
// for words that look like return addresses — and found stale ones too:
// a frame's unused slots keep the return addresses of calls that have
// long returned, and a warning's backtrace began with four calls that
// were not on the stack at all (mm.walk, mm.(*MM).Drop, ...). But the
// linker records, for every instruction of every function, Go or
// assembly, how far SP lies below its value at the function's entry (the
// pcsp table, which Go's own unwinder reads: runtime.funcspdelta). At the
// entry the return address is at 0(SP); at pc it is at SP+delta. From an
// exact (pc, SP) pair the frames follow one from another, as the runtime
// unwinds a goroutine.
//
// runtime.funcspdelta is not one of the runtime functions a package may
// link to, so the table is read here: the heads of runtime._func and
// runtime.moduledata (Go 1.26, runtime/runtime2.go and symtab.go; the
// host test TestUnwindMatchesCallers checks them against runtime.Callers),
// and the table's encoding (runtime.pcvalue and step).

// funcHead is the start of runtime._func.
type funcHead struct {
	entryOff, nameOff, args, deferreturn uint32
	pcsp                                 uint32 // offset of the pcsp table in moduledata.pctab
}

// moduleHead is the start of runtime.moduledata.
type moduleHead struct {
	pcHeader                           uintptr
	funcnametab, cutab, filetab, pctab []byte // (cutab is a []uint32: the same slice header)
}

// spDelta returns how far SP lies below its value at the entry of the
// function that holds pc, while pc is about to execute.
func spDelta(pc uintptr) (int32, bool) {
	fi := findfunc(pc)
	if fi.fn == nil || fi.datap == nil {
		return 0, false
	}
	off := (*funcHead)(fi.fn).pcsp
	tab := (*moduleHead)(fi.datap).pctab
	if off == 0 || int(off) >= len(tab) {
		return 0, false
	}
	entry := (*runtime.Func)(fi.fn).Entry()
	p := tab[off:]
	val, at := int32(-1), entry
	for first := true; len(p) > 0; first = false {
		uv, n := uvarint(p)
		if n == 0 || uv == 0 && !first {
			break // the table's end
		}
		p = p[n:]
		val += int32(-(uv & 1) ^ (uv >> 1)) // zigzag
		pd, m := uvarint(p)
		if m == 0 {
			break
		}
		p = p[m:]
		at += uintptr(pd) // x86: PCQuantum 1
		if pc < at {
			return val, val >= 0
		}
	}
	return 0, false
}

// uvarint decodes one varint of the table (0 bytes read: truncated).
func uvarint(p []byte) (v uint32, n int) {
	var shift uint
	for n < len(p) && n < 5 {
		b := p[n]
		n++
		v |= uint32(b&0x7f) << shift
		if b&0x80 == 0 {
			return v, n
		}
		shift += 7
	}
	return 0, 0
}

// unwind adds to fr the return addresses above pc, where SP is sp, on
// the stack [lo, hi), as long as each frame's table names its return
// slot and that slot holds an address inside a known function: the
// outermost frame (a thread's start, an interrupt's entry) ends it.
func unwind(fr *Frames, pc, sp, lo, hi uintptr) {
	const word = unsafe.Sizeof(uintptr(0))
	for {
		d, ok := spDelta(pc)
		if !ok {
			return
		}
		slot := sp + uintptr(d)
		if slot < lo || slot < sp || slot+word > hi {
			return
		}
		ret := load(slot)
		if ret == 0 || !FuncEntry(ret-1) || !fr.add(ret) {
			return
		}
		pc, sp = ret, slot+word
	}
}
