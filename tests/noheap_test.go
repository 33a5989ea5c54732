package tests

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// kernelPackages are the packages that run inside the kernel, where the Go
// runtime (and so its heap) is never started.
var kernelPackages = []string{"tlbrace/boot", "tlbrace/asm", "tlbrace/kernel/..."}

// TestNoHeapEscapes runs the compiler's escape analysis over every kernel
// package for both architectures: any "escapes to heap" or "moved to
// heap" in kernel code is a bug (it would call runtime.mallocgc, which
// cannot work here). Test files are not part of the kernel and are not
// compiled by go build.
func TestNoHeapEscapes(t *testing.T) {
	for _, arch := range arches {
		t.Run(arch, func(t *testing.T) {
			t.Parallel()
			// -m prints escape analysis; the exit status is 0 unless the
			// code does not compile. -a: cached packages print nothing.
			args := append([]string{"build", "-a", "-o", os.DevNull, "-gcflags=tlbrace/...=-m"}, kernelPackages...)
			cmd := exec.Command("go", args...)
			cmd.Dir = ".."
			cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			if !strings.Contains(string(out), "does not escape") {
				t.Fatalf("no escape analysis output: did -gcflags reach the kernel packages?\n%s", out)
			}
			escapes := 0
			for _, line := range strings.Split(string(out), "\n") {
				if !strings.HasPrefix(line, "kernel/") && !strings.HasPrefix(line, "asm/") && !strings.HasPrefix(line, "boot/") {
					continue // runtime and standard library diagnostics
				}
				if strings.Contains(line, "escapes to heap") || strings.Contains(line, "moved to heap") {
					t.Errorf("GOARCH=%s: heap escape in kernel code: %s", arch, line)
					escapes++
				}
			}
			t.Logf("GOARCH=%s: %d heap escapes in kernel packages", arch, escapes)
		})
	}
}
