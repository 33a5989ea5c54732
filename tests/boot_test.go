package tests

import (
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// TestKernel boots each architecture with every kernel test enabled and
// turns the KTEST lines into subtests.
func TestKernel(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		r := boot(t, arch, 60*time.Second, "test=all")
		if r.ReadyAt < 0 {
			t.Errorf("no ready line\n%s", r)
		} else {
			t.Logf("%s: ready after %v of QEMU wall time", arch, r.ReadyAt)
		}
		qemu.KTests(t, r)
	})
}
