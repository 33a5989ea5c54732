// labs.go: the labs, and what each one's grader checks.

package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tlbrace/tools/qemu"
)

// Lab is one lab: its regions in the source (//lab:NAME), its handout
// (docs/labs/NAME.md) and its graded tests.
type Lab struct {
	Name, Title string
	Tests       []Test
}

// Test is one graded test.
type Test struct {
	Name   string
	Points int
	Limit  time.Duration // a test still running then has failed
	// Checks names the piece of the solution the test judges, printed
	// with a failure: the function holding the region, and what it must do.
	Checks string
	Run    func(ctx context.Context, g *Grader) Verdict
}

// labs is every lab, in the order `make grade` runs them. Each test's
// Checks names a function that holds a region of its lab (the tests check
// this), so that a failure in the starter points at what is missing.
var labs = []*Lab{
	{
		Name:  "flush",
		Title: "make flushTLB and flushTLBGlobal safe against preemption",
		Tests: []Test{
			{"racy_still_detected", 10, 2 * time.Minute,
				"flushTLB, flushTLBGlobal: only those change; flushTLBRacy stays the reproducer's racy reference",
				racyStillDetected},
			{"fixed_survives_stress", 30, 3 * time.Minute,
				"flushTLB, flushTLBGlobal: no preemption between the CR3 read and the write (natural timer interrupts)",
				fixedSurvivesStress},
			{"fixed_refuses_injections", 20, 2 * time.Minute,
				"flushTLB, flushTLBGlobal: a preemption injected at the CR3 write must be deferred",
				fixedRefusesInjections},
			{"fixed_every_schedule", 20, 2 * time.Minute,
				"flushTLB, flushTLBGlobal: no schedule of depth 5 puts a wrong CR3 under a user task",
				fixedEverySchedule},
			{"audit_clean", 20, 3 * time.Minute,
				"flushTLB, flushTLBGlobal: tools/audit sees each CR3 write guarded (preempt.Disable before, preempt.Enable after)",
				auditClean},
		},
	},
	{
		Name:  "lazy",
		Title: "the mm side of the context switch: lazy TLB and the mm reference counts",
		Tests: []Test{
			{"kthread_no_cr3", 20, time.Minute,
				"contextSwitch, enterLazyTLB: a kernel thread borrows the previous task's mm, with no CR3 write",
				ktests("sched.kthread_switch_no_cr3")},
			{"same_mm_skip", 20, time.Minute,
				"switchMM: switching between two tasks of one mm writes no CR3",
				ktests("sched.same_mm_no_cr3")},
			{"different_mm_loads", 10, time.Minute,
				"switchMM: switching to another mm loads its page table",
				ktests("sched.different_mm_writes_cr3")},
			{"mm_outlives_owner", 25, time.Minute,
				"contextSwitch, finishTaskSwitch: a borrowed mm holds an mm_count reference, dropped after the borrower switches away",
				ktests("sched.lazy_mm_outlives_owner")},
			{"no_leak_after_churn", 25, time.Minute,
				"contextSwitch, finishTaskSwitch: every reference a borrow takes is dropped; no mm, no frame leaks",
				ktests("sched.lazy_no_leak_after_churn")},
		},
	},
	{
		Name:  "detect",
		Title: "the lockup detector and the CR3-versus-belief check",
		Tests: []Test{
			{"lockup_counts_faults", 25, time.Minute,
				"countRun: faults in a row on one page, restarted by a CR3 load, a new page or another task",
				ktests("mm.spurious_runs_counted")},
			{"checkcr3_catches_stale", 20, time.Minute,
				"contextSwitch: with checkcr3 on, a switch finds CR3 differing from next's active_mm, and only then",
				ktests("sched.checkcr3_catches_stale")},
			{"racy_detected_as_lockup", 25, 3 * time.Minute,
				"countRun: the racy flush's endless page-fault loop is reported as LOCKUP, within the time limit (seeds 1-3)",
				racyDetectedAsLockup},
			{"racy_checkcr3_first", 15, 3 * time.Minute,
				"contextSwitch: with checkcr3=on the racy flush is caught at the switch (CR3-MISMATCH), before any fault (seeds 1-3)",
				racyCheckCR3First},
			{"fixed_no_false_positives", 15, 3 * time.Minute,
				"countRun, contextSwitch: the fixed flush, checkcr3=on and lockup=2, is never reported",
				fixedNoFalsePositives},
		},
	},
	{
		Name:  "exit",
		Title: "exit_mm: a dying task gives its address space up and borrows (the 2016 path)",
		Tests: []Test{
			{"exit_tears_down_as_borrower", 25, time.Minute,
				"exitMMLazy: mmgrab, the task's mm set to nil, then mmput: exit_mmap flushes while the task borrows",
				ktests("sched.exit_mm_borrows")},
			{"exit_no_leak", 25, time.Minute,
				"exitMMLazy: every reference exit_mm takes is dropped (the grabbed one with the task's active_mm); no mm, no frame leaks",
				ktests("sched.exit_no_leak")},
			{"racy_exit_detected", 25, 3 * time.Minute,
				"exitMMLazy: with flush=racy the 2016 race happens again: a task in do_exit preempted inside its teardown flush (injected, seeds 1-3)",
				racyExitDetected},
			{"fixed_exit_clean", 25, 2 * time.Minute,
				"exitMMLazy: with flush=fixed, tasks exit under injection, every injection is refused and the frames come back",
				fixedExitClean},
		},
	},
	{
		Name:  "shootdown",
		Title: "the invalidate IPI's handler: TLB shootdown and lazy CPUs on two processors",
		Tests: []Test{
			{"fixed_shootdown_clean", 40, 2 * time.Minute,
				"service: a CPU asked to drop flushMM's translations flushes them (or leaves the mm when lazy): no stale read, every IPI acknowledged",
				fixedShootdownClean},
			{"noreload_still_detected", 30, 2 * time.Minute,
				"service: a lazy CPU leaves the mm (LeaveMM) instead of flushing, so that shootdown=noreload's missing reload is caught (MISSED-RELOAD)",
				shootVariantDetected("noreload", "MISSED-RELOAD")},
			{"skiplazy_still_detected", 30, 2 * time.Minute,
				"service: the reproducer of the missed shootdown still works: shootdown=skiplazy is caught (STALE-TLB)",
				shootVariantDetected("skiplazy", "STALE-TLB")},
		},
	},
}

// labNamed returns the lab called name, or nil.
func labNamed(name string) *Lab {
	for _, l := range labs {
		if l.Name == name {
			return l
		}
	}
	return nil
}

func labNames() string {
	var n []string
	for _, l := range labs {
		n = append(n, l.Name)
	}
	return strings.Join(n, ", ")
}

// stress runs the stress workload: under -icount at qemu.sh's fixed shift
// (natural timer interrupts, deterministic) unless inject is set, then in
// default QEMU with breakpoint injection.
func (g *Grader) stress(ctx context.Context, arch string, inject bool, words ...string) (*qemu.Result, error) {
	cfg := qemu.Config{Arch: arch, Mem: "8M", Args: words} // the stress tests' RAM (tests/stress_test.go)
	if inject {
		cfg.Args = append([]string{"workload=stress", "inject=50"}, words...)
	} else {
		cfg.Stress = true
	}
	return g.boot(ctx, cfg)
}

// racyStillDetected: the racy flush is still caught (the student changed
// the fixed flush only, and the reproducer still works).
func racyStillDetected(ctx context.Context, g *Grader) Verdict {
	return g.perArch(func(arch string) Verdict {
		r, err := g.stress(ctx, arch, false, "flush=racy", "seed=1")
		if err != nil {
			return fail("", "%v", err)
		}
		if _, ok := detection(r); !ok || r.Status != qemu.TestFailure {
			return fail(reproduce(r), "flush=racy was not detected: %s", describe(r))
		}
		return pass()
	})
}

// clean judges a fixed run: no detection, it ran to its end, and it
// proved something (timer interrupts or injections did land in the window).
func clean(r *qemu.Result, want string) Verdict {
	if d, ok := detection(r); ok {
		return fail(reproduce(r), "flush=fixed was caught: %s", d)
	}
	if r.Status != qemu.Pass {
		return fail(reproduce(r), "the run did not end cleanly: %s\n%s", describe(r), lastLines(r.Text(), 6))
	}
	st := lastStat(r)
	if st == nil {
		return fail(reproduce(r), "no STAT line")
	}
	if st[want] == 0 {
		return fail(reproduce(r), "%s=0: nothing landed in the flush window, the run proved nothing", want)
	}
	if st["window_preemptions"] != 0 {
		return fail(reproduce(r), "%d preemptions inside a flush window with flush=fixed", st["window_preemptions"])
	}
	return pass()
}

func fixedSurvivesStress(ctx context.Context, g *Grader) Verdict {
	return g.perArch(func(arch string) Verdict {
		r, err := g.stress(ctx, arch, false, "flush=fixed", "seed=1", "churn=on", "duration=1")
		if err != nil {
			return fail("", "%v", err)
		}
		return clean(r, "window_hits")
	})
}

func fixedRefusesInjections(ctx context.Context, g *Grader) Verdict {
	return g.perArch(func(arch string) Verdict {
		r, err := g.stress(ctx, arch, true, "flush=fixed", "hz=1000", "duration=2")
		if err != nil {
			return fail("", "%v", err)
		}
		return cleanInjected(r)
	})
}

// cleanInjected judges a fixed run under injection: clean (clean), and
// every injection refused — deferred to preempt_enable.
func cleanInjected(r *qemu.Result) Verdict {
	if v := clean(r, "injections"); !v.OK {
		return v
	}
	if st := lastStat(r); st["injections_refused"] != st["injections"] {
		return fail(reproduce(r), "only %d of %d injections were refused (deferred to preempt_enable)", st["injections_refused"], st["injections"])
	}
	return pass()
}

func fixedEverySchedule(ctx context.Context, g *Grader) Verdict {
	return g.perArch(func(arch string) Verdict {
		r, err := g.boot(ctx, qemu.Config{Arch: arch, Args: []string{"workload=explore", "hz=10000", "flush=fixed", "explore=5", "kthreads=2"}})
		if err != nil {
			return fail("", "%v", err)
		}
		var m []string
		for _, l := range r.Lines {
			if x := exploredRE.FindStringSubmatch(l.Text); x != nil {
				m = x
			}
		}
		if m == nil {
			return fail(reproduce(r), "no exploration summary: %s\n%s", describe(r), lastLines(r.Text(), 6))
		}
		if m[2] != "0" || r.Status != qemu.Pass {
			return fail(reproduce(r), "%s of %s schedules put a wrong CR3 under a user task (the first one is replayed by the command the kernel prints)", m[2], m[1])
		}
		if m[1] != "1024" {
			return fail(reproduce(r), "%s schedules explored, want all 4^5 = 1024", m[1])
		}
		return pass()
	})
}

func auditClean(ctx context.Context, g *Grader) Verdict {
	args := []string{"./tools/audit"}
	for _, a := range g.Arches {
		args = append(args, "build/"+a+"/kernel.elf")
	}
	out, err := g.goRun(ctx, args...)
	cmd := "go run " + strings.Join(args, " ")
	if err != nil {
		var bad []string
		seen := map[string]bool{}
		for _, l := range strings.Split(out, "\n") {
			l = strings.TrimSpace(l)
			if (strings.Contains(l, "VIOLATION") || strings.HasPrefix(l, "audit:") || strings.Contains(l, "ERROR")) && !seen[l] {
				seen[l] = true
				bad = append(bad, l)
			}
		}
		if len(bad) == 0 {
			bad = []string{lastLines(out, 10)}
		}
		return fail(cmd, "the audit fails (%v):\n%s", err, strings.Join(bad, "\n"))
	}
	return pass()
}

// seeds are the racy runs of the detect lab.
var seeds = []int{1, 2, 3}

func racyDetectedAsLockup(ctx context.Context, g *Grader) Verdict {
	return g.perArch(func(arch string) Verdict {
		lockups := 0
		var other []string
		repro := ""
		for _, s := range seeds {
			r, err := g.stress(ctx, arch, false, "flush=racy", "seed="+strconv.Itoa(s), "trace=0")
			if err != nil {
				return fail("", "%v", err)
			}
			d, ok := detection(r)
			if !ok {
				return fail(reproduce(r), "seed %d: the racy flush was not detected: %s", s, describe(r))
			}
			if kindOf(d) == "LOCKUP" {
				lockups++
			} else {
				other = append(other, fmt.Sprintf("seed %d: %s", s, d))
				if repro == "" {
					repro = reproduce(r)
				}
			}
		}
		// Another manifestation may come first now and then; the lockup
		// detector must catch the loop in most runs.
		if 2*lockups <= len(seeds) {
			return fail(repro,
				"LOCKUP in %d of %d seeds: the endless page-fault loop went unreported, other detectors caught the race:\n%s",
				lockups, len(seeds), strings.Join(other, "\n"))
		}
		return pass()
	})
}

func racyCheckCR3First(ctx context.Context, g *Grader) Verdict {
	return g.perArch(func(arch string) Verdict {
		for _, s := range seeds {
			r, err := g.stress(ctx, arch, false, "flush=racy", "checkcr3=on", "seed="+strconv.Itoa(s), "trace=0")
			if err != nil {
				return fail("", "%v", err)
			}
			d, ok := detection(r)
			if !ok {
				return fail(reproduce(r), "seed %d: the racy flush was not detected: %s", s, describe(r))
			}
			if kindOf(d) != "CR3-MISMATCH" {
				return fail(reproduce(r), "seed %d: %s first, not CR3-MISMATCH: the check at the switch let the wrong CR3 through", s, d)
			}
		}
		return pass()
	})
}

func fixedNoFalsePositives(ctx context.Context, g *Grader) Verdict {
	return g.perArch(func(arch string) Verdict {
		r, err := g.stress(ctx, arch, false, "flush=fixed", "checkcr3=on", "lockup=2", "churn=on", "seed=1", "duration=1")
		if err != nil {
			return fail("", "%v", err)
		}
		if d, ok := detection(r); ok {
			return fail(reproduce(r), "a false positive: the fixed flush is correct, yet %s", d)
		}
		return clean(r, "window_hits")
	})
}

// racyExitDetected: the exit path still reproduces the 2016 race — which
// needs exit_mm to make the task a borrower and mmput to tear its mm down
// (and flush) in do_exit. Under injection it is caught within a few dozen
// ticks on every seed.
func racyExitDetected(ctx context.Context, g *Grader) Verdict {
	return g.perArch(func(arch string) Verdict {
		for _, s := range seeds {
			r, err := g.stress(ctx, arch, true, "scenario=exit", "flush=racy", "seed="+strconv.Itoa(s), "trace=0", "duration=10")
			if err != nil {
				return fail("", "%v", err)
			}
			if _, ok := detection(r); !ok {
				return fail(reproduce(r), "seed %d: no detection with flush=racy scenario=exit: does a task in do_exit still tear its mm down (and flush) as a borrower? %s", s, describe(r))
			}
			if st := lastStat(r); st["teardown_flushes"] == 0 {
				return fail(reproduce(r), "seed %d: detected, but no exit_mmap flush ran: the race was not the exit path's", s)
			}
		}
		return pass()
	})
}

// fixedExitClean: the fixed flush under injection, tasks exiting all the
// time: never caught, every injection refused, and the run's closing leak
// check (frames and address spaces back) passes.
func fixedExitClean(ctx context.Context, g *Grader) Verdict {
	return g.perArch(func(arch string) Verdict {
		r, err := g.stress(ctx, arch, true, "scenario=exit", "flush=fixed", "hz=1000", "duration=2")
		if err != nil {
			return fail("", "%v", err)
		}
		if v := cleanInjected(r); !v.OK {
			return v
		}
		if st := lastStat(r); st["exits"] == 0 || st["teardown_flushes"] == 0 {
			return fail(reproduce(r), "%d exits and %d exit_mmap flushes: the exit path did not run", st["exits"], st["teardown_flushes"])
		}
		return pass()
	})
}

// shoot runs workload=shoot on two CPUs (default TCG: the CPUs really run
// at once) with the shootdown variant v.
func (g *Grader) shoot(ctx context.Context, arch, v string, words ...string) (*qemu.Result, error) {
	return g.boot(ctx, qemu.Config{Arch: arch, SMP: 2, Args: append([]string{"workload=shoot", "shootdown=" + v}, words...)})
}

// fixedShootdownClean: Linux 2.6.10's shootdown with the student's
// handler: no detection, rounds done, every IPI acknowledged, none stuck.
func fixedShootdownClean(ctx context.Context, g *Grader) Verdict {
	return g.perArch(func(arch string) Verdict {
		r, err := g.shoot(ctx, arch, "fixed", "duration=1")
		if err != nil {
			return fail("", "%v", err)
		}
		if d, ok := detection(r); ok {
			return fail(reproduce(r), "shootdown=fixed was caught: %s", d)
		}
		if r.Status != qemu.Pass {
			return fail(reproduce(r), "the run did not end cleanly: %s\n%s", describe(r), lastLines(r.Text(), 6))
		}
		st := lastStat(r)
		if st == nil || st["rounds"] == 0 || st["ipis"] == 0 || st["acked"] != st["ipis"] || st["stuck"] != 0 {
			return fail(reproduce(r), "want rounds, invalidate IPIs all acknowledged, none stuck: %v", st)
		}
		return pass()
	})
}

// shootVariantDetected: a broken shootdown variant is still caught as
// kind — the handler must keep the protocol the variants break.
func shootVariantDetected(v, kind string) func(ctx context.Context, g *Grader) Verdict {
	return func(ctx context.Context, g *Grader) Verdict {
		return g.perArch(func(arch string) Verdict {
			r, err := g.shoot(ctx, arch, v)
			if err != nil {
				return fail("", "%v", err)
			}
			d, ok := detection(r)
			if !ok || kindOf(d) != kind {
				return fail(reproduce(r), "shootdown=%s: want DETECTED: %s, got %q (%s)", v, kind, d, describe(r))
			}
			return pass()
		})
	}
}
