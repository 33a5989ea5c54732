// Status: how a QEMU run ended, and the mapping from QEMU's exit status.
package qemu

import "fmt"

// Status is the outcome of one run.
type Status int

const (
	// Pass: the kernel left through isa-debug-exit with 0 (QEMU status 1)
	// after printing "EXIT 0".
	Pass Status = iota + 1
	// TestFailure: the kernel wrote 1 to isa-debug-exit (QEMU status 3).
	TestFailure
	// Panic: the kernel wrote 2 to isa-debug-exit (QEMU status 5).
	Panic
	// Reset: QEMU exited 0, i.e. the guest reset (a triple fault under
	// -no-reboot). Always a failure.
	Reset
	// Timeout: Config.Timeout elapsed; the harness killed QEMU.
	Timeout
	// Stopped: Config.Stop returned true for a line; the harness killed QEMU.
	Stopped
	// Canceled: the context passed to Run was done; the harness killed QEMU.
	Canceled
	// BadConfig: the kernel rejected its command line (wrote 3: QEMU status 7).
	BadConfig
	// QEMUError: qemu.sh or QEMU failed on its own (usage error, bad option,
	// killed by a signal, or status 1 without the kernel's "EXIT 0").
	QEMUError
	// UnsupportedCPU: the entry code found the CPU lacking a required
	// feature (wrote 4: QEMU status 9); the UNSUPPORTED-CPU lines name them.
	UnsupportedCPU
)

var statusNames = map[Status]string{
	Pass:           "Pass",
	TestFailure:    "TestFailure",
	Panic:          "Panic",
	Reset:          "Reset",
	Timeout:        "Timeout",
	Stopped:        "Stopped",
	Canceled:       "Canceled",
	BadConfig:      "BadConfig",
	QEMUError:      "QEMUError",
	UnsupportedCPU: "UnsupportedCPU",
}

func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// QEMU exit statuses produced through isa-debug-exit ((v<<1)|1) and by
// -no-reboot; see docs/conventions.md, "Exit statuses".
const (
	exitReset          = 0 // guest reset under -no-reboot
	exitPass           = 1 // kernel wrote 0
	exitTestFailure    = 3 // kernel wrote 1
	exitPanic          = 5 // kernel wrote 2
	exitBadConfig      = 7 // kernel wrote 3: command line rejected
	exitUnsupportedCPU = 9 // entry code wrote 4: the CPU lacks a required feature
)

// StatusForExit maps a QEMU exit status to a Status. It knows nothing of the
// serial log, so 1 maps to Pass; Run additionally requires the "EXIT 0" line
// (see classify). A negative code (killed by a signal) is a QEMUError.
func StatusForExit(code int) Status {
	switch code {
	case exitPass:
		return Pass
	case exitTestFailure:
		return TestFailure
	case exitPanic:
		return Panic
	case exitBadConfig:
		return BadConfig
	case exitUnsupportedCPU:
		return UnsupportedCPU
	case exitReset:
		return Reset
	}
	return QEMUError
}

// classify maps an exit status to a Status knowing whether the kernel printed
// its "EXIT 0" line: status 1 without it is QEMU's own failure status.
func classify(code int, sawExit0 bool) Status {
	s := StatusForExit(code)
	if s == Pass && !sawExit0 {
		return QEMUError
	}
	return s
}
