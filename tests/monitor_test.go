package tests

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestMonitor drives the serial-console monitor (workload=monitor) with
// typed commands through qemu.sh's stdio, as a user at `make qemu` would.
func TestMonitor(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if out, err := exec.CommandContext(ctx, "make", "-s", "-C", "..", "build", "ARCH="+arch).CombinedOutput(); err != nil {
			t.Fatalf("make build ARCH=%s: %v\n%s", arch, err, out)
		}
		cmd := exec.CommandContext(ctx, "./qemu.sh", "-a", arch, "--", "workload=monitor")
		cmd.Dir = ".."
		cmd.Stdin = strings.NewReader("help\nps\nfrobnicate\nmm\nstat\nstress sideways\nexit\n")
		out, err := cmd.CombinedOutput()
		text := string(out)
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("monitor session: %v (want QEMU status 1 after `exit`)\n%s", err, tail(text, 30))
		}
		for _, want := range []string{
			"tlbrace> help", "stress  racy|fixed",
			"TASKS   0 main", "TASKS   1 idle",
			`unknown command "frobnicate"`,
			"(init_mm: the kernel's own", "CR3 holds the page table of",
			"timer interrupts inside a flush window",
			"usage: stress racy|fixed [seconds]",
			"EXIT 0",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("monitor output lacks %q\n%s", want, tail(text, 40))
			}
		}
	})
}
