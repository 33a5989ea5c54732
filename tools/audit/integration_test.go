// integration_test.go: the audit on the real kernels. It builds both with
// `make build` (failing, with the reason, if that fails), checks that they
// pass with the racy flushes as known-racy (and as violations under
// -strict), and that deleting the guard from flushTLB in a copy of the
// tree is caught.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// racyFuncs are the known-racy functions: the 2004 primitives, and the
// 2018 caller of the modern contract (scenario=caller caller=racy).
var racyFuncs = []string{"tlbrace/kernel/mm.flushTLBRacy", "tlbrace/kernel/mm.flushTLBGlobalRacy", "tlbrace/kernel/mm.kernelMapPagesRacy"}

// makeBuild runs `make -C dir build ARCH=arch` and returns the kernel's
// path. A tree that does not build fails the test: an audit that quietly
// audits nothing would pass whatever the kernel does with CR3.
func makeBuild(t *testing.T, dir, arch string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: not building kernels")
	}
	out, err := exec.Command("make", "-C", dir, "--no-print-directory", "build", "ARCH="+arch).CombinedOutput()
	if err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		t.Fatalf("cannot build the %s kernel in %s, so there is nothing to audit (make build: %v):\n%s",
			arch, dir, err, strings.Join(lines[max(0, len(lines)-8):], "\n"))
	}
	return filepath.Join(dir, "build", arch, "kernel.elf")
}

// The repository's kernels, built once for the tests that share them.
var (
	repoOnce    sync.Once
	repoRoot    string
	repoKernels []string
	repoSkip    string // -short, or no module root: nothing to audit
	repoFailed  bool   // the kernels do not build
)

func repoBuild(t *testing.T) (string, []string) {
	t.Helper()
	repoOnce.Do(func() {
		root, err := findModuleRoot(".")
		if err != nil {
			repoSkip = err.Error()
			return
		}
		repoRoot = root
		// A sub-test builds; the tests sharing its kernels learn from it
		// whether it skipped (-short) or failed.
		t.Run("build", func(t *testing.T) {
			defer func() {
				switch {
				case t.Failed():
					repoFailed = true
				case t.Skipped():
					repoSkip = "-short: not building kernels"
				}
			}()
			for _, arch := range []string{"386", "amd64"} {
				repoKernels = append(repoKernels, makeBuild(t, root, arch))
			}
		})
	})
	switch {
	case repoFailed || (repoSkip == "" && len(repoKernels) != 2):
		t.Fatal("the kernels do not build (see the build sub-test): nothing to audit")
	case repoSkip != "":
		t.Skip(repoSkip)
	}
	return repoRoot, repoKernels
}

// runJSON runs the audit command and decodes its -json report.
func runJSON(t *testing.T, args ...string) (Report, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"-json"}, args...), &out, &errb)
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("audit %v: exit %d, bad JSON (%v); stderr:\n%s", args, code, err, errb.String())
	}
	return rep, code
}

// checked returns the checked callers of all write sites, by function.
func checked(r *Result) map[string][]Checked {
	out := map[string][]Checked{}
	for _, w := range r.Writes {
		for _, c := range w.Checked {
			out[c.Func] = append(out[c.Func], c)
		}
	}
	return out
}

// violations describes every violation in rep, one per line.
func violations(rep Report) string {
	var b strings.Builder
	for _, r := range rep.Kernels {
		for _, w := range r.Writes {
			if w.Verdict == Violation {
				fmt.Fprintf(&b, "  %s: write at %s: %s\n", r.File, w.Where, w.Reason)
			}
			for _, c := range w.Checked {
				if c.Verdict == Violation {
					fmt.Fprintf(&b, "  %s: %s (reaching %s): %s\n", r.File, c.Func, w.Where, c.Reason)
				}
			}
		}
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "  %s: %v\n", r.File, e)
		}
	}
	return b.String()
}

func TestKernelsPass(t *testing.T) {
	root, kernels := repoBuild(t)
	rep, code := runJSON(t, append([]string{"-src", root}, kernels...)...)
	if code != 0 || !rep.OK {
		t.Errorf("the audit fails on the repository's kernels (exit %d):\n%s", code, violations(rep))
	}
	for _, r := range rep.Kernels {
		if r.Summary.WriteSites == 0 {
			t.Errorf("%s: no CR3/CR4 writes found", r.File)
		}
		got := checked(r)
		for _, fn := range racyFuncs {
			cs := got[fn]
			if len(cs) == 0 {
				t.Errorf("%s: %s is not a checked caller of any write", r.File, fn)
			}
			for _, c := range cs {
				if c.Verdict != KnownRacy {
					t.Errorf("%s: %s: verdict %s, want %s", r.File, fn, c.Verdict, KnownRacy)
				}
			}
		}
	}
}

func TestKernelsStrict(t *testing.T) {
	root, kernels := repoBuild(t)
	lax, _ := runJSON(t, append([]string{"-src", root}, kernels...)...)
	rep, code := runJSON(t, append([]string{"-strict", "-src", root}, kernels...)...)
	if code != 1 || rep.OK {
		t.Fatalf("-strict: exit %d, ok %v; want 1, false", code, rep.OK)
	}
	for i, r := range rep.Kernels {
		for _, fn := range racyFuncs {
			for _, c := range checked(r)[fn] {
				if c.Verdict != Violation || c.Annot != KnownRacy {
					t.Errorf("%s: -strict: %s is %s, want %s (annotated %s)", r.File, fn, c.Verdict, Violation, KnownRacy)
				}
			}
		}
		if want := lax.Kernels[i].Summary.Violations + len(racyFuncs); r.Summary.Violations != want {
			t.Errorf("%s: -strict: %d violations, want %d", r.File, r.Summary.Violations, want)
		}
	}
}

// TestFlagsUnguardedFlush deletes `preempt.Disable()` from flushTLB in a
// copy of the tree — the seed's fix undone — and expects a violation. The
// copy is the one TestFlagsBrokenContracts audits too (brokenKernel): one
// build for every guard taken out.
func TestFlagsUnguardedFlush(t *testing.T) {
	dir, kernel := brokenKernel(t)
	rep, code := runJSON(t, "-src", dir, kernel)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	const fn = "tlbrace/kernel/mm.flushTLB"
	cs := checked(rep.Kernels[0])[fn]
	if len(cs) == 0 {
		t.Fatalf("%s is not a checked caller; violations:\n%s", fn, violations(rep))
	}
	for _, c := range cs {
		if c.Verdict != Violation || !strings.Contains(c.Reason, "no preempt.Disable") {
			t.Errorf("%s: %s: %s, want a violation for the missing preempt.Disable", fn, c.Verdict, c.Reason)
		}
	}
}

// dropGuard deletes the first preempt.Disable() line inside flushTLB.
func dropGuard(src string) (string, bool) {
	lines := strings.SplitAfter(src, "\n")
	in := false
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "func flushTLB() {"):
			in = true
		case in && strings.HasPrefix(l, "}"):
			return src, false
		case in && strings.TrimSpace(l) == "preempt.Disable()":
			return strings.Join(append(lines[:i:i], lines[i+1:]...), ""), true
		}
	}
	return src, false
}

// copyTree copies the source tree (not .git, not build/) from src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if rel != "." && (d.Name() == ".git" || rel == "build") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(filepath.Join(dst, rel), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
