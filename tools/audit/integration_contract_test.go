// integration_contract_test.go: the modern contract (rule (d)) on the real
// kernels — every caller of flush=modern's asserting primitives checked,
// the 2018 caller reported as known-racy — and, in a copy of the tree with
// the guards taken out and the buggy caller's annotation deleted, each one
// found: the 2018 bug (f77084d96355) found statically, and the two guards
// whose removal would bring back the 2016 and 2018 races.

package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const (
	mmPkg       = "tlbrace/kernel/mm."
	buggyCaller = mmPkg + "kernelMapPagesRacy"
	fixedCaller = mmPkg + "kernelMapPagesFixed"
	exitGuard   = mmPkg + "flushTLBMMRange" // the exit path's flush_tlb_mm_range under flush=modern
)

// verdictOf returns the verdicts (and Via chains) of fn as a checked
// caller, over every write site of the kernel.
func verdictOf(r *Result, fn string) []Checked { return checked(r)[fn] }

func TestKernelsModernContract(t *testing.T) {
	root, kernels := repoBuild(t)
	rep, _ := runJSON(t, append([]string{"-src", root}, kernels...)...)
	for _, r := range rep.Kernels {
		want := map[string]string{
			mmPkg + "flushTLBLocal":        CallersNonpreemptible,
			mmPkg + "flushTLBGlobalModern": CallersNonpreemptible,
			mmPkg + "FlushAllLowLevel":     CallersNonpreemptible,
			exitGuard:                      Guarded,
			mmPkg + "flushTLBAll":          Guarded,
			fixedCaller:                    Guarded,
			buggyCaller:                    KnownRacy,
		}
		for fn, v := range want {
			cs := verdictOf(r, fn)
			if len(cs) == 0 {
				t.Errorf("%s: %s is not a checked caller", r.File, fn)
			}
			for _, c := range cs {
				if c.Verdict != v {
					t.Errorf("%s: %s: %s (%s), want %s", r.File, fn, c.Verdict, c.Reason, v)
				}
			}
		}
		for _, c := range verdictOf(r, buggyCaller) {
			if len(c.Via) != 2 || c.Via[0] != mmPkg+"FlushAllLowLevel" || c.Via[1] != mmPkg+"flushTLBGlobalModern" {
				t.Errorf("%s: the 2018 caller reaches the write via %v, want FlushAllLowLevel, flushTLBGlobalModern", r.File, c.Via)
			}
		}
	}
}

// TestFlagsBrokenContracts audits the copy of the tree with the guards
// taken out (brokenKernel) and expects each to be a violation of its own:
//   - the 2018 caller without its known-racy annotation: kernelMapPagesRacy
//     as Linux had it before f77084d96355, unknown to anyone;
//   - the fix of 2018 undone: preempt.Disable deleted from kernelMapPagesFixed;
//   - the exit path's guard under flush=modern undone: get_cpu's
//     preempt.Disable deleted from flushTLBMMRange;
//
// besides the seed's own guard, deleted from flushTLB (TestFlagsUnguardedFlush).
func TestFlagsBrokenContracts(t *testing.T) {
	dir, kernel := brokenKernel(t)
	rep, code := runJSON(t, "-src", dir, kernel)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	r := rep.Kernels[0]
	for _, fn := range []string{buggyCaller, fixedCaller, exitGuard} {
		cs := verdictOf(r, fn)
		if len(cs) == 0 {
			t.Errorf("%s is not a checked caller; violations:\n%s", fn, violations(rep))
		}
		for _, c := range cs {
			if c.Verdict != Violation || !strings.Contains(c.Reason, "no preempt.Disable") {
				t.Errorf("%s: %s (%s), want a violation for the missing preempt.Disable", fn, c.Verdict, c.Reason)
			}
		}
	}
	if r.Summary.Violations != 4 {
		t.Errorf("%d violations, want exactly these 3 and flushTLB:\n%s", r.Summary.Violations, violations(rep))
	}
}

// TestMain removes the broken tree after the tests that share it.
func TestMain(m *testing.M) {
	code := m.Run()
	if brokenDir != "" {
		os.RemoveAll(brokenDir)
	}
	os.Exit(code)
}

// The copy of the tree with every guard taken out, built once for the
// tests that audit it.
var (
	brokenOnce            sync.Once
	brokenDir, brokenELF  string
	brokenSkip, brokenErr string
)

// brokenKernel copies the tree, deletes flushTLB's preempt.Disable (the
// seed's fix), kernelMapPagesRacy's known-racy annotation,
// kernelMapPagesFixed's preempt.Disable and flushTLBMMRange's, and builds
// the 386 kernel.
func brokenKernel(t *testing.T) (dir, kernel string) {
	t.Helper()
	brokenOnce.Do(func() {
		root, err := findModuleRoot(".")
		if err != nil {
			brokenSkip = err.Error()
			return
		}
		if testing.Short() {
			brokenSkip = "-short: not building kernels"
			return
		}
		dir, err := os.MkdirTemp("", "tlbrace-audit-broken-")
		if err != nil {
			brokenErr = err.Error()
			return
		}
		brokenDir = dir
		if err := copyTree(root, dir); err != nil {
			brokenErr = err.Error()
			return
		}
		t.Run("build-broken", func(t *testing.T) {
			tlb := filepath.Join(dir, "kernel", "mm", "tlb.go")
			src, err := os.ReadFile(tlb)
			if err != nil {
				t.Fatal(err)
			}
			edited, ok := dropGuard(string(src))
			if !ok {
				t.Fatalf("%s: no preempt.Disable() line in flushTLB to delete", tlb)
			}
			if err := os.WriteFile(tlb, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			edit(t, filepath.Join(dir, "kernel", "mm", "debug_pagealloc.go"), "func kernelMapPagesRacy(", "//audit:known-racy", true)
			edit(t, filepath.Join(dir, "kernel", "mm", "debug_pagealloc.go"), "func kernelMapPagesFixed(", "preempt.Disable()", false)
			edit(t, filepath.Join(dir, "kernel", "mm", "tlb_modern.go"), "func flushTLBMMRange(", "preempt.Disable()", false)
			brokenELF = makeBuild(t, dir, "386")
		})
		if brokenELF == "" {
			brokenErr = "the tree with the guards taken out does not build (see the build-broken sub-test)"
		}
	})
	switch {
	case brokenSkip != "":
		t.Skip(brokenSkip)
	case brokenErr != "":
		t.Fatal(brokenErr)
	}
	return brokenDir, brokenELF
}

// edit deletes one line of the file: the first whose trimmed text starts
// with prefix, inside the function opened by the line starting with fn
// (or, with inDoc, in the comment lines right above it).
func edit(t *testing.T, path, fn, prefix string, inDoc bool) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(src), "\n")
	at := -1
	for i, l := range lines {
		if strings.HasPrefix(l, fn) {
			at = i
			break
		}
	}
	if at < 0 {
		t.Fatalf("%s: no line starting with %q", path, fn)
	}
	del := -1
	if inDoc {
		for i := at - 1; i >= 0 && strings.HasPrefix(lines[i], "//"); i-- {
			if strings.HasPrefix(strings.TrimSpace(lines[i]), prefix) {
				del = i
			}
		}
	} else {
		for i := at + 1; i < len(lines) && !strings.HasPrefix(lines[i], "}"); i++ {
			if strings.HasPrefix(strings.TrimSpace(lines[i]), prefix) {
				del = i
				break
			}
		}
	}
	if del < 0 {
		t.Fatalf("%s: no line starting with %q for %s", path, prefix, fn)
	}
	out := strings.Join(append(lines[:del:del], lines[del+1:]...), "")
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}
