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

// TestKernelSMP runs every kernel test again with two processors: the
// scheduler, mm and user tests on two CPUs, and the multiprocessor tests
// (smp.*) that need a second CPU.
func TestKernelSMP(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		r := qemu.RunT(t, qemu.Config{Arch: arch, SMP: 2, Args: []string{"test=all"}, Timeout: 90 * time.Second})
		if !r.Contains("cpus: 2 online") {
			t.Errorf("no `cpus: 2 online` line\n%s", r)
		}
		qemu.KTests(t, r)
	})
}

// TestPITFallback boots on a CPU without a local APIC: the scheduler tick
// falls back to the PIT, and the scheduler and user-task tests still pass.
func TestPITFallback(t *testing.T) {
	cpus := map[string]string{"386": "qemu32,-apic,+sse,+sse2,+pge", "amd64": "qemu64,-apic,+pge"}
	forArch(t, func(t *testing.T, arch string) {
		// QEMU takes the last -cpu: this one overrides qemu.sh's.
		r := qemu.RunT(t, qemu.Config{Arch: arch, QEMUArgs: []string{"-cpu", cpus[arch]},
			Args: []string{"test=sched.*,user.*"}, Timeout: 60 * time.Second})
		if !r.Contains("timer: PIT channel 0") {
			t.Errorf("the kernel did not fall back to the PIT\n%s", r)
		}
		qemu.KTests(t, r)
	})
}
