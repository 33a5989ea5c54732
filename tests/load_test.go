package tests

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

// Host load must not change what a stress run says. qemu.sh stress runs
// -icount at a fixed shift, so guest time is counted in instructions and a
// run is a pure function of the kernel and its seed: a busy CI host makes
// it slower in wall time, never different. These tests run beside CPU
// hogs (as on a loaded CI machine) and demand exactly that.

// cpuHogs keeps n host CPUs busy until the returned stop is called: the
// `yes > /dev/null` of a busy CI host.
func cpuHogs(n int) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			x := uint64(1)
			for ctx.Err() == nil {
				for j := 0; j < 1_000_000; j++ {
					x = x*6364136223846793005 + 1442695040888963407
				}
			}
			_ = x
		}()
	}
	return func() { cancel(); wg.Wait() }
}

// fromStart returns the serial lines from "stress: start" to the end: what
// a run computed, without the boot lines that name host paths.
func fromStart(r *qemu.Result) string {
	s := r.Text()
	if i := strings.Index(s, "stress: start"); i >= 0 {
		return s[i:]
	}
	return ""
}

// TestStressSameSeedSameRun: two runs of one racy seed, the second beside
// two CPU hogs, print the same detection, trace, counters and task table,
// line for line.
func TestStressSameSeedSameRun(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		quiet := stressRun(t, arch, "racy", 4, 0, 60*time.Second)
		stop := cpuHogs(2)
		loaded := stressRun(t, arch, "racy", 4, 0, 120*time.Second)
		stop()
		d, ok := quiet.Find("DETECTED:")
		if !ok {
			t.Fatalf("racy seed 4 did not detect\n%s", quiet)
		}
		a, b := fromStart(quiet), fromStart(loaded)
		if a != b {
			t.Fatalf("the same seed printed different runs (unloaded, then beside CPU hogs):\n--- unloaded\n%s\n--- loaded\n%s",
				tail(a, 30), tail(b, 30))
		}
		t.Logf("%s: %q, %d identical lines, unloaded and beside two CPU hogs", arch, d.Text, strings.Count(a, "\n"))
	})
}

// TestStressFixedBesideCPUHogs: the false-HANG scenario of a busy CI host —
// three fixed runs at once beside two CPU hogs, address-space churn on,
// 8 MiB of guest RAM — must end clean, every one, with interrupts seen
// inside the flush window.
func TestStressFixedBesideCPUHogs(t *testing.T) {
	// Take both QEMU slots: this test makes its own load.
	stressSlots <- struct{}{}
	stressSlots <- struct{}{}
	defer func() { <-stressSlots; <-stressSlots }()
	for _, arch := range arches {
		t.Run(arch, func(t *testing.T) {
			stop := cpuHogs(2)
			defer stop()
			seeds := []int{6301, 6302, 6303}
			results := make([]*qemu.Result, len(seeds))
			var wg sync.WaitGroup
			for i, seed := range seeds {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i] = qemu.RunT(t, qemu.Config{
						Arch: arch, Stress: true, Mem: "8M", Timeout: 4 * time.Minute,
						Args: []string{"flush=fixed", "churn=on", "duration=2", fmt.Sprintf("seed=%d", seed), "trace=32"},
					})
				}()
			}
			wg.Wait()
			for i, r := range results {
				seed := seeds[i]
				if d, ok := r.Find("DETECTED:"); ok {
					t.Errorf("seed %d beside CPU hogs: %s\nreproduce: %s\n%s", seed, d.Text, r.Reproduce(), tail(r.Text(), 40))
					continue
				}
				if !r.Contains("stress: result clean flush=fixed") || r.Status != qemu.Pass {
					t.Errorf("seed %d beside CPU hogs: status %v, no clean result\nreproduce: %s\n%s", seed, r.Status, r.Reproduce(), tail(r.Text(), 30))
					continue
				}
				st, _ := lastStat(r)
				if st["window_hits"] == 0 || st["window_preemptions"] != 0 {
					t.Errorf("seed %d: window_hits=%d window_preemptions=%d; want some hits and no preemption in the window",
						seed, st["window_hits"], st["window_preemptions"])
				}
				t.Logf("%s seed %d beside two CPU hogs: clean, %d ticks, %d window hits, tick overhead %d%%",
					arch, seed, st["ticks"], st["window_hits"], st["tick_overhead"])
			}
		})
	}
}

// TestStressStarvedIsNotAHang: ticks far too short for the timer handler
// (shift 10: ~100 instructions per 100 us tick) starve the workers. The
// watchdog must say so — STARVED, "this run cannot judge the kernel" —
// and never call it a detection.
func TestStressStarvedIsNotAHang(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		stressSlots <- struct{}{}
		defer func() { <-stressSlots }()
		r := qemu.RunT(t, qemu.Config{Arch: arch, Stress: true, Shift: 10, Timeout: 2 * time.Minute,
			Args: []string{"flush=fixed", "hang=1", "seed=1"}})
		if d, ok := r.Find("DETECTED:"); ok {
			t.Fatalf("starved run reported a detection: %s\n%s", d.Text, tail(r.Text(), 20))
		}
		s, ok := r.Find("STARVED:")
		if !ok || !r.Contains("stress: result starved flush=fixed") || r.Status != qemu.TestFailure {
			t.Fatalf("want STARVED and a failing status, got %v\n%s", r.Status, tail(r.Text(), 20))
		}
		t.Logf("%s: %s", arch, s.Text)
	})
}
