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
}

// StackGuardGap is how far above a stack's low end stackguard0 sits. An
// interrupt frame plus the FXSAVE area (~720 bytes on amd64) lands below
// the interrupted function's SP, and nosplit chains may use up to ~800
// bytes below the guard, so leave a whole page.
const StackGuardGap = 4096

// tls is the thread-local block compiled Go reads g through.
//
//	386:   GS base = &tls[1]; tls[1] holds its own address, so MOVL GS:0, CX
//	       yields &tls[1], and MOVL -4(CX), CX yields tls[0] = g.
//	amd64: FS base = &tls[1]; MOVQ FS:-8, R14 yields tls[0] = g.
//
// boot/rt0_*.s fills it before the first Go call.
var tls [2]unsafe.Pointer

// TLSBaseOffset is where in tls the TLS base register points (&tls[1]):
// boot/rt0_*.s and kernel/trap/entry_amd64.s load it as rt·tls+offset.
const TLSBaseOffset = unsafe.Sizeof(tls[0])

// MSRFSBase is IA32_FS_BASE (Intel SDM Vol. 4, Table 2-2), the MSR that
// holds FS's base on amd64: boot/rt0_amd64.s and kernel/trap/entry_amd64.s
// point it at &tls[1].
const MSRFSBase = 0xC0000100

// g0 is the boot thread's g; it runs on bootStack until the scheduler starts.
var g0 G

// bootStack is the stack rt0 starts on (the boot thread's stack).
var bootStack [BootStackSize]byte

// BootStackSize is the size of the boot stack in bytes.
const BootStackSize = 64 << 10

// SetG makes g the current goroutine for compiled code: it rewrites the TLS
// slot. (On amd64 every Go→asm call reloads R14 from this slot on return, so
// rewriting the slot is enough once the caller returns through asm.)
//
//go:nosplit
func SetG(g *G) { tls[0] = unsafe.Pointer(g) }

// CurrentG returns the g compiled code currently uses.
//
//go:nosplit
func CurrentG() *G { return (*G)(tls[0]) }

// G0 returns the boot thread's g.
func G0() *G { return &g0 }

// InitStack points g at the stack [lo, hi).
//
//go:nosplit
func (g *G) InitStack(lo, hi uintptr) {
	g.StackLo = lo
	g.StackHi = hi
	g.StackGuard0 = lo + StackGuardGap
	g.StackGuard1 = lo + StackGuardGap
}
