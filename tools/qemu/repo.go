// repo: finding the tlbrace repository root and building the kernel once
// per (root, arch) per process.
package qemu

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// moduleName is the module path whose go.mod marks the repository root.
const moduleName = "tlbrace"

// findRepoRoot walks up from start to the directory whose go.mod declares
// module tlbrace.
func findRepoRoot(start string) (string, error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", err
	}
	for {
		if isTlbraceModule(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("qemu: no go.mod with `module %s` in %s or any parent directory", moduleName, start)
		}
		dir = parent
	}
}

// isTlbraceModule reports whether the go.mod at path declares module tlbrace.
func isTlbraceModule(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == moduleName
		}
	}
	return false
}

// repoRoot is findRepoRoot from the working directory.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("qemu: cannot get working directory: %v", err)
	}
	return findRepoRoot(wd)
}

// defaultKernel is where `make build ARCH=arch` writes the kernel, and where
// qemu.sh looks for it when given no -k.
func defaultKernel(root, arch string) string {
	return filepath.Join(root, "build", arch, "kernel.elf")
}

type buildKey struct{ root, arch string }

type buildResult struct {
	once sync.Once
	path string
	err  error
}

var (
	buildsMu sync.Mutex
	builds   = map[buildKey]*buildResult{}
)

// buildKernel runs `make -s -C root build ARCH=arch` the first time it is
// asked for (root, arch) in this process and returns the kernel path; later
// calls (also concurrent ones) share the first call's result.
func buildKernel(root, arch string) (string, error) {
	buildsMu.Lock()
	b := builds[buildKey{root, arch}]
	if b == nil {
		b = &buildResult{}
		builds[buildKey{root, arch}] = b
	}
	buildsMu.Unlock()
	b.once.Do(func() {
		cmd := exec.Command("make", "-s", "-C", root, "build", "ARCH="+arch)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("qemu: building the kernel failed (make -s -C %s build ARCH=%s): %v\n%s", root, arch, err, out)
			return
		}
		b.path = defaultKernel(root, arch)
		if _, err := os.Stat(b.path); err != nil {
			b.err = fmt.Errorf("qemu: `make -s -C %s build ARCH=%s` succeeded but wrote no kernel at %s\n%s", root, arch, b.path, out)
		}
	})
	return b.path, b.err
}

// StressShift returns the fixed icount shift qemu.sh's stress mode uses
// (its STRESS_SHIFT line): the one place it is written down. Under it a
// guest instruction is 2^shift ns of guest time, so guest TSC cycles >>
// shift are guest instructions.
func StressShift() (int, error) { return scriptShift("STRESS_SHIFT") }

// EvidenceShift returns the fixed icount shift of runs that gather
// evidence that a fix holds (qemu.sh's EVIDENCE_SHIFT line, --evidence):
// the most flush windows hit per wall second. Pass it as Config.Shift.
func EvidenceShift() (int, error) { return scriptShift("EVIDENCE_SHIFT") }

// scriptShift reads qemu.sh's NAME=shift line.
func scriptShift(name string) (int, error) {
	root, err := repoRoot()
	if err != nil {
		return 0, err
	}
	b, err := os.ReadFile(filepath.Join(root, "qemu.sh"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 0 || n > maxShift {
				return 0, fmt.Errorf("qemu: qemu.sh: %s=%q is not a shift 0..%d", name, v, maxShift)
			}
			return n, nil
		}
	}
	return 0, fmt.Errorf("qemu: qemu.sh has no %s= line", name)
}

// Kernel builds the kernel for arch as a run would (make, once per
// process) and returns its path: for tests that read the image itself.
func Kernel(arch string) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return buildKernel(root, arch)
}

// RepoRoot returns the repository's root: the nearest directory above the
// working directory whose go.mod says module tlbrace.
func RepoRoot() (string, error) { return repoRoot() }
