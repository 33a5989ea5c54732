// e2e_test.go: boot the real kernel in its racy stress mode, catch the
// race, and draw it. Skipped when the i386 kernel is not built (make build
// ARCH=386), when QEMU is missing, or with -short.

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestEndToEndQEMU(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not booting QEMU")
	}
	if _, err := os.Stat("../../build/386/kernel.elf"); err != nil {
		t.Skip("no i386 kernel (run: make build ARCH=386)")
	}
	if _, err := exec.LookPath("qemu-system-i386"); err != nil {
		t.Skip("qemu-system-i386 not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "../../qemu.sh", "stress", "-a", "386", "--", "flush=racy", "seed=3")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("the racy stress run did not finish within 60 s\nserial tail:\n%s", tail(stdout.Bytes()))
	}
	// After a detection the kernel exits with QEMU status 3.
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 3) {
		t.Fatalf("qemu.sh: %v\nstderr: %s\nserial tail:\n%s", err, stderr.String(), tail(stdout.Bytes()))
	}
	log := filepath.Join(t.TempDir(), "racy-386-seed3.log")
	if err := os.WriteFile(log, stdout.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, tl := load(t, log)
	if tr.Detected == "" {
		t.Errorf("no DETECTED line")
	}
	if len(tl.Diverge) == 0 {
		t.Errorf("the racy run's trace shows no CR3/belief divergence")
	}
	checkSVG(t, tr, RenderSVG(tl.Clip(focusStart(tl)), DefaultTitle(tl), log))
	if _, err := RenderPerfetto(tl, DefaultTitle(tl)); err != nil {
		t.Error(err)
	}
}

// tail is the end of a serial log, for failure messages.
func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
