package kernel

import (
	"tlbrace/asm"
	"tlbrace/kernel/cmdline"
)

// Deliberate faults, selected with fault= on the command line. The host
// tests (tests/faults_test.go) boot each one and check that the report
// names the fault and symbolizes the function below that caused it.

// sink defeats constant folding: the compiler cannot prove what it holds.
var sink = struct {
	ptr  *int
	idx  int
	zero int
}{idx: 7}

//go:noinline
func faultNilDeref() int { return *sink.ptr }

//go:noinline
func faultBounds() int {
	var a [4]int
	return a[sink.idx]
}

//go:noinline
func faultStackOverflow(depth int) int {
	var frame [256]byte
	frame[depth%256] = byte(depth)
	return faultStackOverflow(depth+1) + int(frame[(depth+1)%256])
}

//go:noinline
func faultDivide() int { return 100 / sink.zero }

// faultGPF loads DS with a selector far beyond the GDT limit: #GP with the
// selector as error code (Intel SDM Vol. 3A §6.15, "Interrupt 13").
//
//go:noinline
func faultGPF() { asm.LoadDS(0x1000) }

//go:noinline
func faultBreakpoint() { asm.Int3() }

// faultGuardPage runs assembly that pushes until it hits the guard page
// below the stack: no Go prologue checks it, so only the unmapped page
// stops it. The CPU cannot push the page-fault frame on the exhausted
// stack and raises a double fault, which runs on a stack of its own
// (amd64: IST1; 386: a task gate to a separate TSS).
//
//go:noinline
func faultGuardPage() { asm.ExhaustStack() }

// triggerFault runs the fault fault= asked for; it returns only if the
// fault failed to fault, which the caller reports.
func triggerFault(f cmdline.Fault) {
	switch f {
	case cmdline.FaultNil:
		sink.idx = faultNilDeref()
	case cmdline.FaultBounds:
		sink.idx = faultBounds()
	case cmdline.FaultStackOverflow:
		sink.idx = faultStackOverflow(0)
	case cmdline.FaultDivide:
		sink.idx = faultDivide()
	case cmdline.FaultGPF:
		faultGPF()
	case cmdline.FaultBreakpoint:
		faultBreakpoint()
	case cmdline.FaultGuardPage:
		faultGuardPage()
	}
}
