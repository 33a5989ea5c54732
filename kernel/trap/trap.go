package trap

import (
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/preempt"
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

	// intrG[i] is the g Go handlers run with on CPU i's interrupt stack,
	// intrStack[i].
	intrG     [rt.MaxCPUs]rt.G
	intrStack [rt.MaxCPUs][intrStackSize]byte

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

// IsInterruptG reports whether g is one of the g's handlers run with.
func IsInterruptG(g *rt.G) bool {
	for i := range intrG {
		if g == &intrG[i] {
			return true
		}
	}
	return false
}

// Init builds the IDT, shared by every CPU, and sets the boot CPU up to
// use it (InitCPU(0)).
func Init() {
	for v := uintptr(0); v < numVectors; v++ {
		if a := stubAddr(v); a != 0 {
			setGate(v, a, v == VecSyscall)
		}
	}
	idtr.set(uintptr(unsafe.Pointer(&idt)), int(unsafe.Sizeof(idt)))
	InitCPU(0)
}

// InitCPU gives CPU i its interrupt stack and interrupt g (the entry stubs
// find them through its TLS block), prepares its double fault, and loads
// the IDT on it. It runs on CPU i.
func InitCPU(i int) {
	lo := uintptr(unsafe.Pointer(&intrStack[i][0]))
	hi := lo + intrStackSize
	intrG[i].InitStack(lo, hi)
	preempt.AttachCPU(&intrG[i], i) // a handler's preempt_count is its CPU's
	rt.SetInterruptStack(i, lo, hi, &intrG[i])
	archInitCPU(i)
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

// intrStackSize is the size of each CPU's interrupt stack.
const intrStackSize = 32 << 10
