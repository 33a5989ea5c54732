package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// TestTruncatedInitramfs boots with an initramfs cut in the middle of a
// program: the kernel must say what is wrong with which file and stop
// with the panic status — never load half an ELF.
func TestTruncatedInitramfs(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		boot(t, arch, 30*time.Second) // builds the kernel and the initramfs
		full, err := os.ReadFile(filepath.Join("..", "build", arch, "initrd.cpio"))
		if err != nil {
			t.Fatal(err)
		}
		cut := filepath.Join(t.TempDir(), "truncated.cpio")
		if err := os.WriteFile(cut, full[:len(full)/3], 0o644); err != nil {
			t.Fatal(err)
		}
		r := qemu.RunT(t, qemu.Config{Arch: arch, Initrd: cut, Args: []string{"workload=stress"}, Timeout: 30 * time.Second})
		if r.Status != qemu.Panic {
			t.Fatalf("status %v, want Panic\n%s", r.Status, tail(r.Text(), 10))
		}
		// The panic status comes with its PANIC line, naming the file.
		if l, ok := r.Find("PANIC:"); !ok || !strings.Contains(l.Text, "initramfs: bin/worker:") {
			t.Errorf("no PANIC line naming the file\n%s", tail(r.Text(), 10))
		}
	})
}
