package tests

import (
	"fmt"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// Deterministic race exposure (kernel/inject): a debug-register
// breakpoint on each flush's CR3 write turns every pass through the
// window into a chance to preempt. No -icount here: default TCG, where a
// timer interrupt can never land in the window by itself.

// injectWords are the kernel words of an injected stress run.
func injectWords(variant string, seed int, extra ...string) []string {
	return append([]string{"workload=stress", "hz=1000", "sched=shuffle", "lockup=8", "inject=50",
		"flush=" + variant, fmt.Sprintf("seed=%d", seed), "trace=32"}, extra...)
}

func TestInjectRacyDetectsEverySeed(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		for seed := 1; seed <= 5; seed++ {
			stressSlots <- struct{}{}
			r := qemu.RunT(t, qemu.Config{Arch: arch, Args: injectWords("racy", seed), Timeout: 60 * time.Second})
			<-stressSlots
			d, ok := r.Find("DETECTED:")
			if !ok {
				t.Errorf("seed %d: no detection with injection in default TCG\n%s\n%s", seed, r, tail(r.Text(), 10))
				continue
			}
			wall, _ := sinceStart(r, "DETECTED:")
			st, _ := lastStat(r)
			t.Logf("%s seed %d: %s, %v of wall time after the start, %d injections", arch, seed, d.Text, wall, st["injections"])
			if st["window_preemptions"] == 0 {
				t.Errorf("seed %d: detected without a preemption in the window: %v", seed, st)
			}
		}
	})
}

func TestInjectFixedRefusesEveryInjection(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		stressSlots <- struct{}{}
		defer func() { <-stressSlots }()
		r := qemu.RunT(t, qemu.Config{Arch: arch, Args: injectWords("fixed", 1, "duration=4"), Timeout: 90 * time.Second})
		if d, ok := r.Find("DETECTED:"); ok {
			t.Fatalf("fixed variant under injection: %s\n%s", d.Text, r.Reproduce())
		}
		if r.Status != qemu.Pass {
			t.Fatalf("status %v\n%s", r.Status, r)
		}
		st, _ := lastStat(r)
		t.Logf("%s fixed: %d injections, %d refused, %d window preemptions", arch, st["injections"], st["injections_refused"], st["window_preemptions"])
		if st["injections"] == 0 {
			t.Errorf("no injection happened: the run proved nothing")
		}
		if st["injections_refused"] != st["injections"] || st["window_preemptions"] != 0 {
			t.Errorf("fixed flush: %d of %d injections refused, %d preemptions in the window; want all refused, none",
				st["injections_refused"], st["injections"], st["window_preemptions"])
		}
	})
}
