package tests

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"tlbrace/tools/bootfloor"
	"tlbrace/tools/qemu"
)

// TestBootFloor boots the floor image make bench compares tlbrace's boot
// with (tools/bootfloor): on both QEMUs it prints its line and exits with
// the pass status, through qemu.sh like the kernel.
func TestBootFloor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "floor.elf")
	if err := os.WriteFile(path, bootfloor.Image(), 0o644); err != nil {
		t.Fatal(err)
	}
	forArch(t, func(t *testing.T, arch string) {
		r := qemu.RunT(t, qemu.Config{Arch: arch, Kernel: path, Timeout: 30 * time.Second})
		l, ok := r.Find(bootfloor.Line)
		if !ok || r.Status != qemu.Pass {
			t.Fatalf("status %v, line %q found: %v\n%s", r.Status, bootfloor.Line, ok, r)
		}
		t.Logf("%s: %q after %v", arch, l.Text, l.At)
	})
}
