package trap

import (
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/rt"
)

// Handler handles one vector. It runs on the interrupt stack with
// interrupts off; g is the g of the interrupted context.
type Handler func(f *Frame, g *rt.G)

var (
	// handlers[v] handles vector v; nil means "unexpected": report and stop.
	handlers [numVectors]Handler

	// ReturnHook runs after every trap on the interrupted stack, with the
	// interrupted g current and interrupts off: the scheduler installs its
	// preemption check here.
	ReturnHook func(f *Frame)

	// intrG is the g Go handlers run with on the interrupt stack.
	intrG rt.G

	// Counts, for /stat and the stress reports.
	Count [numVectors]uint64
)

// Register installs the handler for vector v.
func Register(v int, h Handler) { handlers[v] = h }

// HandlerOf returns the handler installed for vector v (nil if none): a
// handler that takes a vector over hands on what is not its own.
func HandlerOf(v int) Handler { return handlers[v] }

// dispatch is called by alltraps on the interrupt stack.
func dispatch(f *Frame, g *rt.G) {
	v := f.Vector & 0xff
	Count[v]++
	if h := handlers[v]; h != nil {
		h(f, g)
		return
	}
	Oops(f, g, "unexpected trap")
}

// afterTrap is called by alltraps on the interrupted stack.
func afterTrap(f *Frame) {
	if ReturnHook != nil {
		ReturnHook(f)
	}
}

// stubAddr returns the address of the entry stub for vector v (0 if none).
func stubAddr(v uintptr) uintptr

// intrStackBounds returns the interrupt stack's [lo, hi).
func intrStackBounds() (lo, hi uintptr)

// InterruptG returns the g handlers run with (its stack is the interrupt stack).
func InterruptG() *rt.G { return &intrG }

// Init builds the IDT, loads it, and gives the interrupt g its stack.
func Init() {
	lo, hi := intrStackBounds()
	intrG.InitStack(lo, hi)
	for v := uintptr(0); v < numVectors; v++ {
		if a := stubAddr(v); a != 0 {
			setGate(v, a, v == VecSyscall)
		}
	}
	archInit()
	idtr.set(uintptr(unsafe.Pointer(&idt)), int(unsafe.Sizeof(idt)))
	asm.Lidt(uintptr(unsafe.Pointer(&idtr)))
}

// pseudo is the LIDT operand: limit then base, unpadded.
type pseudo [10]byte

func (p *pseudo) set(base uintptr, size int) {
	p[0], p[1] = byte(size-1), byte((size-1)>>8)
	for i := 0; i < 8; i++ {
		p[2+i] = byte(uint64(base) >> (8 * i))
	}
}

var idtr pseudo

// intrStackSize is the size of the interrupt stack, intrStack in entry_*.s.
const intrStackSize = 32 << 10
