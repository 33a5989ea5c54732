// Tests for repository-root discovery and the once-per-arch kernel build.
package qemu

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func writeFile(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
}

func TestFindRepoRoot(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module tlbrace\n\ngo 1.26\n", 0o644)
	// A nested module with another name must be skipped.
	writeFile(t, filepath.Join(root, "tests", "go.mod"), "module other\n", 0o644)
	deep := filepath.Join(root, "tests", "boot", "x")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := findRepoRoot(deep)
	if err != nil || got != root {
		t.Fatalf("findRepoRoot(%s) = %q, %v; want %q", deep, got, err, root)
	}
	if _, err := findRepoRoot(t.TempDir()); err == nil || !strings.Contains(err.Error(), "module tlbrace") {
		t.Errorf("findRepoRoot outside a repo: err = %v, want one naming module tlbrace", err)
	}
}

func TestRepoRootFromHere(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "tools", "qemu")); err != nil {
		t.Errorf("repo root %s does not hold tools/qemu", root)
	}
}

func TestBuildKernelOncePerArch(t *testing.T) {
	root := t.TempDir()
	// The fake Makefile counts its invocations per arch. Without .PHONY the
	// second arch's make would find the directory build/ "up to date".
	writeFile(t, filepath.Join(root, "Makefile"),
		".PHONY: build\nbuild:\n\tmkdir -p build/$(ARCH)\n\techo x >> build/$(ARCH)/count\n\ttouch build/$(ARCH)/kernel.elf\n", 0o644)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		for _, arch := range []string{"386", "amd64"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := buildKernel(root, arch)
				if err != nil || p != defaultKernel(root, arch) {
					t.Errorf("buildKernel(%s) = %q, %v", arch, p, err)
				}
			}()
		}
	}
	wg.Wait()
	for _, arch := range []string{"386", "amd64"} {
		data, err := os.ReadFile(filepath.Join(root, "build", arch, "count"))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(data), "x"); n != 1 {
			t.Errorf("make ran %d times for %s, want 1", n, arch)
		}
	}
}

func TestBuildKernelFailureNamesCommand(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "Makefile"), "build:\n\t@echo broken build >&2; exit 1\n", 0o644)
	_, err := buildKernel(root, "386")
	if err == nil || !strings.Contains(err.Error(), "broken build") || !strings.Contains(err.Error(), "ARCH=386") {
		t.Errorf("err = %v; want the make command and its output", err)
	}
}

func TestStressShift(t *testing.T) {
	n, err := StressShift()
	if err != nil {
		t.Fatal(err)
	}
	if n < 1 || n > maxShift {
		t.Fatalf("StressShift() = %d", n)
	}
	out, err := exec.Command(filepath.Join(mustRoot(t), "qemu.sh"), "stress", "--dry-run", "-a", "386").Output()
	if err != nil {
		t.Fatalf("qemu.sh stress --dry-run: %v", err)
	}
	if want := fmt.Sprintf("shift=%d", n); !strings.Contains(string(out), want) {
		t.Errorf("qemu.sh stress runs %s, StressShift says %s", out, want)
	}
}

func TestEvidenceShift(t *testing.T) {
	n, err := EvidenceShift()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := StressShift()
	if n < 1 || n > maxShift || n == s {
		t.Fatalf("EvidenceShift() = %d (StressShift %d)", n, s)
	}
	out, err := exec.Command(filepath.Join(mustRoot(t), "qemu.sh"), "stress", "--evidence", "--dry-run", "-a", "386").Output()
	if err != nil {
		t.Fatalf("qemu.sh stress --evidence --dry-run: %v", err)
	}
	if want := fmt.Sprintf("shift=%d\\,", n); !strings.Contains(string(out), want) {
		t.Errorf("qemu.sh stress --evidence runs %s, EvidenceShift says %s", out, want)
	}
	if got := scriptFlags(Config{Arch: "386", Stress: true, Shift: n}); !slices.Contains(got, "--shift") {
		t.Errorf("Config.Shift %d gives the flags %q", n, got)
	}
}

func mustRoot(t *testing.T) string {
	t.Helper()
	r, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return r
}
