package rt

import "unsafe"

// G is the prefix of the runtime's g that compiled code and the few runtime
// functions we call touch. Field order and sizes mirror runtime.g in
// $GOROOT/src/runtime/runtime2.go; g_layout_test.go checks that against the
// Go sources so an upgrade that moves them fails loudly.
type G struct {
	StackLo     uintptr // runtime.g.stack.lo
	StackHi     uintptr // runtime.g.stack.hi
	StackGuard0 uintptr // compared with SP in every split-stack prologue
	StackGuard1 uintptr // the same for //go:systemstack prologues
	panic       uintptr // runtime.g._panic: unused, stays 0
	deferp      uintptr // runtime.g._defer: unused, stays 0
	M           uintptr // runtime.g.m: nil, except while symbolizing (see symbolize.go)

	// The runtime's g goes on for a few hundred bytes. Runtime code we call
	// may read fields there; keep the space so those reads see zeros.
	pad [120]uintptr

	// tlsSelf holds this g's own address: on 386 the TLS slot points just
	// past it, and compiled code reads g from the word before (percpu.go).
	tlsSelf uintptr

	// Thread is the kernel's per-thread state of the task this g belongs
	// to (Linux's thread_info): its kernel/preempt State. Found through g,
	// it is the running task's wherever the task runs — a task may move
	// to another CPU between any two instructions (nil: an interrupt or
	// boot g; kernel/preempt then uses the CPU's own).
	Thread unsafe.Pointer
}

// StackGuardGap is how far above a stack's low end stackguard0 sits. An
// interrupt frame plus the FXSAVE area (~720 bytes on amd64) lands below
// the interrupted function's SP, and nosplit chains may use up to ~800
// bytes below the guard, so leave a whole page.
const StackGuardGap = 4096

// MSRFSBase is IA32_FS_BASE (Intel SDM Vol. 4, Table 2-2), the MSR that
// holds FS's base on amd64: boot/rt0_amd64.s, kernel/smp's AP entry and
// kernel/trap/entry_amd64.s point it at a CPU's TLS base (percpu.go).
const MSRFSBase = 0xC0000100

// g0 is the boot thread's g; it runs on bootStack until the scheduler starts.
var g0 G

// bootStack is the stack rt0 starts on (the boot thread's stack).
var bootStack [BootStackSize]byte

// BootStackSize is the size of the boot stack in bytes.
const BootStackSize = 64 << 10

// SetG makes g the current goroutine for compiled code on this CPU: it
// rewrites the TLS slot. (On amd64 every Go→asm call reloads R14 from the
// slot on return, so rewriting the slot is enough once the caller returns
// through asm.)
//
//go:nosplit
func SetG(g *G) { setTLS(TLSWord(g)) }

// CurrentG returns the g compiled code currently uses.
//
//go:nosplit
func CurrentG() *G { return getG() }

// G0 returns the boot thread's g.
func G0() *G { return &g0 }

// InitStack points g at the stack [lo, hi).
//
//go:nosplit
func (g *G) InitStack(lo, hi uintptr) {
	g.tlsSelf = uintptr(unsafe.Pointer(g))
	g.StackLo = lo
	g.StackHi = hi
	g.StackGuard0 = lo + StackGuardGap
	g.StackGuard1 = lo + StackGuardGap
}
