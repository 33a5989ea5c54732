// grade.go: running a lab's graded tests through the QEMU harness
// (tools/qemu), each within its time limit, and the score.

package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"tlbrace/tools/qemu"
)

// Grader runs tests against the tree at Root (its kernels, its qemu.sh).
type Grader struct {
	Root   string
	Arches []string
	LogDir string
	Out    io.Writer
}

// Verdict is one test's outcome.
type Verdict struct {
	OK        bool
	Reason    string // why it failed
	Reproduce string // the command that shows the failure
}

func pass() Verdict { return Verdict{OK: true} }

func fail(reproduce, format string, args ...any) Verdict {
	return Verdict{Reason: fmt.Sprintf(format, args...), Reproduce: reproduce}
}

// Outcome is a graded test's result.
type Outcome struct {
	Lab, Test string
	Points    int // scored
	Max       int
	Verdict
	Elapsed time.Duration
	Checks  string
}

// build builds both kernels of the tree; a failure fails every test.
func (g *Grader) build(ctx context.Context) error {
	for _, a := range g.Arches {
		cmd := exec.CommandContext(ctx, "make", "-s", "-C", g.Root, "build", "ARCH="+a)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("make build ARCH=%s: %v\n%s", a, err, lastLines(string(out), 20))
		}
	}
	return nil
}

// Grade runs the lab's tests in order and prints a line per test, the
// reason and reproducing command of each failure, and the lab's score.
func (g *Grader) Grade(ctx context.Context, lab *Lab) []Outcome {
	fmt.Fprintf(g.Out, "== lab %s: %s (docs/labs/%s.md)\n", lab.Name, lab.Title, lab.Name)
	berr := g.build(ctx)
	var outs []Outcome
	for _, t := range lab.Tests {
		start := time.Now()
		var v Verdict
		if berr != nil {
			v = fail("make build", "the kernel does not build: %v", berr)
		} else {
			v = g.run(ctx, t)
		}
		o := Outcome{Lab: lab.Name, Test: t.Name, Max: t.Points, Verdict: v, Elapsed: time.Since(start), Checks: t.Checks}
		if v.OK {
			o.Points = t.Points
		}
		outs = append(outs, o)
		g.print(o)
	}
	got, max := score(outs)
	fmt.Fprintf(g.Out, "lab %s: %d/%d\n", lab.Name, got, max)
	return outs
}

// run runs one test within its time limit: a hung kernel is a failed
// test (the harness kills QEMU at the deadline), never a hung grader.
func (g *Grader) run(ctx context.Context, t Test) Verdict {
	ctx, cancel := context.WithTimeout(ctx, t.Limit)
	defer cancel()
	done := make(chan Verdict, 1)
	go func() { done <- t.Run(ctx, g) }()
	var v Verdict
	select {
	case v = <-done:
	case <-time.After(t.Limit + limitGrace):
		// The test itself hangs (not only its QEMU, which the deadline
		// kills): give up on it, the grader goes on.
		return fail("", "over its time limit of %v, and it did not return", t.Limit)
	}
	if !v.OK && ctx.Err() == context.DeadlineExceeded && !strings.Contains(v.Reason, "time limit") {
		v.Reason = fmt.Sprintf("over its time limit of %v: %s", t.Limit, v.Reason)
	}
	return v
}

// limitGrace is how long after its time limit a test that ignores its
// context is waited for.
var limitGrace = 10 * time.Second

func (g *Grader) print(o Outcome) {
	status := "PASS"
	if !o.OK {
		status = "FAIL"
	}
	name := o.Lab + ": " + o.Test + " "
	fmt.Fprintf(g.Out, "%s%s %3d/%-3d %s  (%.1fs)\n", name, strings.Repeat(".", max(3, 44-len(name))), o.Points, o.Max, status, o.Elapsed.Seconds())
	if !o.OK {
		fmt.Fprintf(g.Out, "    checks: %s\n", o.Checks)
		fmt.Fprintf(g.Out, "    %s\n", strings.ReplaceAll(strings.TrimSpace(o.Reason), "\n", "\n    "))
		if o.Reproduce != "" {
			fmt.Fprintf(g.Out, "    reproduce: %s\n", o.Reproduce)
		}
	}
}

func score(outs []Outcome) (got, max int) {
	for _, o := range outs {
		got += o.Points
		max += o.Max
	}
	return got, max
}

// boot runs the tree's kernel through qemu.sh with cfg (Arch, Args, Stress
// ...), bounded by ctx's deadline.
func (g *Grader) boot(ctx context.Context, cfg qemu.Config) (*qemu.Result, error) {
	cfg.Script = filepath.Join(g.Root, "qemu.sh")
	cfg.Kernel = filepath.Join(g.Root, "build", cfg.Arch, "kernel.elf")
	cfg.LogDir = g.LogDir
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Hour
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) < cfg.Timeout {
		cfg.Timeout = time.Until(d)
	}
	if cfg.Timeout <= 0 {
		return nil, fmt.Errorf("over its time limit before this run could start")
	}
	return qemu.Run(ctx, cfg)
}

// reproduce is a run's command, to be typed in the tree's root.
func reproduce(r *qemu.Result) string { return r.Command }

// describe says how a run ended, for a failure's reason.
func describe(r *qemu.Result) string {
	switch r.Status {
	case qemu.Timeout, qemu.Canceled:
		return fmt.Sprintf("the kernel did not finish within %v (killed at the test's time limit): hung, or far too slow", r.Elapsed.Round(time.Second))
	case qemu.Panic:
		if l, ok := r.Find("PANIC:"); ok {
			return "kernel panic: " + l.Text
		}
		return "kernel panic"
	case qemu.Reset:
		return "the guest reset (a triple fault)"
	}
	return fmt.Sprintf("QEMU status %v (exit %d)", r.Status, r.ExitCode)
}

// perArch runs fn for every architecture at once (two QEMUs: this is
// what a 2-core machine takes) and returns the first failure.
func (g *Grader) perArch(fn func(arch string) Verdict) Verdict {
	vs := make([]Verdict, len(g.Arches))
	var wg sync.WaitGroup
	for i, a := range g.Arches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vs[i] = fn(a)
		}()
	}
	wg.Wait()
	for i, v := range vs {
		if !v.OK {
			v.Reason = g.Arches[i] + ": " + v.Reason
			return v
		}
	}
	return pass()
}

var (
	statRE     = regexp.MustCompile(`(\w+)=(\d+)`)
	ktestFail  = regexp.MustCompile(`^KTEST FAIL (\S+): (.*)$`)
	exploredRE = regexp.MustCompile(`explore: (\d+) schedules explored, (\d+) failed`)
)

// lastStat parses the last STAT line into its counters.
func lastStat(r *qemu.Result) map[string]uint64 {
	var line string
	for _, l := range r.Lines {
		if strings.HasPrefix(l.Text, "STAT ") {
			line = l.Text
		}
	}
	if line == "" {
		return nil
	}
	m := map[string]uint64{}
	for _, kv := range statRE.FindAllStringSubmatch(line, -1) {
		n, _ := strconv.ParseUint(kv[2], 10, 64)
		m[kv[1]] = n
	}
	return m
}

// ktest boots the kernel test name alone and judges its KTEST lines.
func (g *Grader) ktest(ctx context.Context, arch, name string) Verdict {
	r, err := g.boot(ctx, qemu.Config{Arch: arch, Args: []string{"test=" + name}, Timeout: 60 * time.Second})
	if err != nil {
		return fail("", "%v", err)
	}
	for _, l := range r.Lines {
		if m := ktestFail.FindStringSubmatch(l.Text); m != nil && m[1] == name {
			return fail(reproduce(r), "KTEST FAIL %s: %s", name, m[2])
		}
	}
	if _, ok := r.Find("KTEST PASS " + name); !ok || r.Status != qemu.Pass {
		why := describe(r)
		if _, ran := r.Find("KTEST RUN " + name); ran && r.Status != qemu.Timeout {
			why = "it never finished: " + why
		}
		return fail(reproduce(r), "kernel test %s: %s\n%s", name, why, lastLines(r.Text(), 8))
	}
	return pass()
}

// ktests is a test made of kernel tests, on every architecture.
func ktests(names ...string) func(ctx context.Context, g *Grader) Verdict {
	return func(ctx context.Context, g *Grader) Verdict {
		return g.perArch(func(arch string) Verdict {
			for _, n := range names {
				if v := g.ktest(ctx, arch, n); !v.OK {
					return v
				}
			}
			return pass()
		})
	}
}

func lastLines(s string, n int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n")
}

// detection returns the DETECTED line of a run, if any.
func detection(r *qemu.Result) (string, bool) {
	l, ok := r.Find("DETECTED:")
	return l.Text, ok
}

// kindOf is the detector of a DETECTED line ("LOCKUP").
func kindOf(line string) string {
	f := strings.Fields(line)
	if len(f) >= 2 {
		return f[1]
	}
	return ""
}

// goRun runs `go run pkg args...` in the tree.
func (g *Grader) goRun(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"run"}, args...)...)
	cmd.Dir = g.Root
	out, err := cmd.CombinedOutput()
	return string(out), err
}
