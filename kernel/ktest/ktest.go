// Package ktest runs the kernel's own tests inside QEMU.
//
// A kernel test is a plain Go function taking *T, registered in a static
// table (see kernel/ktests.go): there are no init functions in a kernel
// without a runtime, so registration is a line in a table. Each test
// prints `KTEST RUN`, then `KTEST PASS` or `KTEST FAIL name: reason` on the
// serial console, and the runner ends with `ktest: N passed, M failed`,
// which the host harness (tools/qemu) turns into `go test` subtests.
package ktest

import "tlbrace/kernel/console"

// Test is one registered kernel test.
type Test struct {
	Name string
	Fn   func(t *T)
}

// T is the handle a test reports through. There is no Fatal: without a
// runtime we cannot unwind, so a test returns after a failed check.
type T struct {
	name   string
	failed bool
	reason [160]byte
	n      int
}

// Errorf records a failure and prints its message; the first message
// becomes the FAIL line's reason.
func (t *T) Errorf(format string, args ...any) {
	if !t.failed {
		t.n = console.Format(t.reason[:], format, args...)
	}
	t.failed = true
	console.Print("    ")
	console.Printf(format, args...)
	console.Print("\n")
}

// Check fails the test with the message unless ok; it returns ok so a test
// can stop: `if !t.Check(x == 1, "x = %d", x) { return }`.
func (t *T) Check(ok bool, format string, args ...any) bool {
	if !ok {
		t.Errorf(format, args...)
	}
	return ok
}

// Logf prints a line of test output.
func (t *T) Logf(format string, args ...any) {
	console.Print("    ")
	console.Printf(format, args...)
	console.Print("\n")
}

// Name returns the test's name.
func (t *T) Name() string { return t.name }

var current T

// Run runs every test that want accepts, prints the summary line and
// returns the number of failures. ran is how many tests ran.
func Run(tests []Test, want func(name string) bool) (ran, failed int) {
	for i := range tests {
		tc := &tests[i]
		if !want(tc.Name) {
			continue
		}
		// One static T, reset per test: a local passed through the function
		// value tc.Fn would escape to the (absent) heap.
		t := &current
		*t = T{name: tc.Name}
		console.Printf("KTEST RUN %s\n", tc.Name)
		tc.Fn(t)
		ran++
		if t.failed {
			failed++
			console.Printf("KTEST FAIL %s: %s\n", tc.Name, t.reason[:t.n])
		} else {
			console.Printf("KTEST PASS %s\n", tc.Name)
		}
	}
	console.Printf("ktest: %d passed, %d failed\n", ran-failed, failed)
	return ran, failed
}
