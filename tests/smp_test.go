package tests

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tlbrace/kernel/cmdline"
	"tlbrace/kernel/rt"
	"tlbrace/tools/qemu"
)

// TestSMPBoot: with qemu.sh --smp N the kernel finds the N processors in
// the firmware's tables, starts the others, and says `cpus: N online`;
// maxcpus= starts fewer; a processor that never answers its STARTUP IPI
// is named, and the kernel goes on without it.
func TestSMPBoot(t *testing.T) {
	cases := []struct {
		smp  int
		args []string
		want string
	}{
		{4, nil, "cpus: 4 online (found by ACPI MADT)"},
		{4, []string{"maxcpus=2"}, "cpus: 2 online; 2 more not started (maxcpus=)"},
		{3, []string{"silentcpu=1"}, "cpus: 2 online; APIC id 1 did not answer the STARTUP IPI"},
	}
	forArch(t, func(t *testing.T, arch string) {
		for _, c := range cases {
			r := qemu.RunT(t, qemu.Config{Arch: arch, SMP: c.smp, Timeout: 30 * time.Second,
				Args: append(c.args, "test=console.format")})
			if !r.Contains(c.want) {
				t.Errorf("--smp %d %v: no %q\n%s", c.smp, c.args, c.want, r)
			}
			qemu.KTests(t, r)
		}
	})
}

// TestSMPWorkersIsolated runs user.workers_isolated on two CPUs over
// several seeds, under -icount so that each seed interleaves the CPUs the
// same way on any host. Two workers start at once, one per CPU, and take
// their first page faults together: the fault handler kept the task it
// judges in one slot shared by all CPUs, so one CPU's fault was judged by
// the other CPU's task — WRONG-CR3 on a worker's first stack push, or a
// SEGFAULT naming one worker and the kill taking the other (seed 4 on
// both arches, before kernel/mm kept one slot per CPU). Without -icount
// it failed only on some hosts' timing.
func TestSMPWorkersIsolated(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		for seed := 1; seed <= 8; seed++ {
			r := qemu.RunT(t, qemu.Config{Arch: arch, SMP: 2, Icount: true, Timeout: 60 * time.Second,
				Args: []string{"test=user.workers_isolated", "seed=" + strconv.Itoa(seed)}})
			if r.Contains("WRONG-CR3") || r.Contains("SEGFAULT") || r.Contains("KILLED") {
				t.Errorf("seed %d: a worker was judged by the other's address space\n%s", seed, r)
			}
			qemu.KTests(t, r)
		}
	})
}

// TestSMPBadInput: a processor count the kernel cannot run is refused
// with a clear message, by qemu.sh (--smp) or by the kernel (maxcpus=;
// kernel/cmdline's TestMaxCPUs covers the other bad values on the host;
// workload=explore on two CPUs).
func TestSMPBadInput(t *testing.T) {
	for _, n := range []string{"5", "0", "two"} {
		out, err := exec.Command("../qemu.sh", "--dry-run", "--smp", n).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "--smp "+n+":") {
			t.Errorf("qemu.sh --smp %s: %v, %q; want a refusal naming it", n, err, out)
		}
	}
	// The evidence shift is one CPU's: with two, the tasks starve.
	out, err := exec.Command("../qemu.sh", "--dry-run", "--evidence", "--smp", "2").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--smp 2 at icount shift") || !strings.Contains(string(out), "--icount") {
		t.Errorf("qemu.sh --evidence --smp 2: %v, %q; want a refusal naming --smp and --icount", err, out)
	}
	if out, err := exec.Command("../qemu.sh", "--dry-run", "--icount", "--smp", "2").CombinedOutput(); err != nil {
		t.Errorf("qemu.sh --icount --smp 2: %v, %q; want it accepted", err, out)
	}
	forArch(t, func(t *testing.T, arch string) {
		for _, w := range []struct{ word, want string }{
			{"maxcpus=0", "out of range for maxcpus= (1..4)"},
		} {
			r := boot(t, arch, 30*time.Second, w.word)
			if last := lastBeforeExit(r); r.Status != qemu.BadConfig || !strings.Contains(last, w.want) {
				t.Errorf("%s: status %v, last line %q; want BadConfig naming %q", w.word, r.Status, last, w.want)
			}
		}
		// Systematic exploration runs on one CPU: on two it is refused,
		// naming the workload and how to boot on one.
		r := qemu.RunT(t, qemu.Config{Arch: arch, SMP: 2, Args: []string{"workload=explore"}, Timeout: 30 * time.Second})
		if last := lastBeforeExit(r); r.Status != qemu.BadConfig || !strings.Contains(last, "workload=explore") || !strings.Contains(last, "--smp") {
			t.Errorf("--smp 2 workload=explore: status %v, last line %q; want BadConfig naming workload=explore and --smp", r.Status, last)
		}
	})
}

// TestMaxCPUsAgree: the kernel, its command line, qemu.sh and the harness
// agree on how many processors the kernel runs at most.
func TestMaxCPUsAgree(t *testing.T) {
	sh, err := os.ReadFile("../qemu.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^MAX_SMP=(\d+)$`).FindSubmatch(sh)
	if m == nil {
		t.Fatal("qemu.sh has no MAX_SMP=N line")
	}
	shMax, _ := strconv.Atoi(string(m[1]))
	all := []int{rt.MaxCPUs, cmdline.MaxCPUs, qemu.MaxSMP, shMax}
	for _, n := range all[1:] {
		if n != all[0] {
			t.Errorf("rt.MaxCPUs, cmdline.MaxCPUs, qemu.MaxSMP, qemu.sh MAX_SMP = %v: want them equal", all)
			break
		}
	}
}

// TestSMPSeedRace: the seed's race on two CPUs, under debug-register
// injection in multi-threaded TCG (no -icount). The racy flush is caught
// with preemptions in the window (and tasks that resume in it on the
// other CPU are counted); the fixed one refuses every injection.
func TestSMPSeedRace(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		stressSlots <- struct{}{}
		defer func() { <-stressSlots }()
		for seed := 1; seed <= 1; seed++ {
			r := qemu.RunT(t, qemu.Config{Arch: arch, SMP: 2, Args: injectWords("racy", seed), Timeout: 90 * time.Second})
			d, ok := r.Find("DETECTED:")
			st, _ := lastStat(r)
			if !ok || st["window_preemptions"] == 0 || st["cpus"] != 2 {
				t.Errorf("racy seed %d on 2 CPUs: detection %v, stats %v\n%s", seed, ok, st, tail(r.Text(), 20))
				continue
			}
			t.Logf("%s racy seed %d: %s; %d window preemptions, %d resumed on the other CPU, %d migrations",
				arch, seed, d.Text, st["window_preemptions"], st["window_migrations"], st["migrations"])
		}
		r := qemu.RunT(t, qemu.Config{Arch: arch, SMP: 2, Args: injectWords("fixed", 1, "duration=2"), Timeout: 120 * time.Second})
		st, _ := lastStat(r)
		if d, ok := r.Find("DETECTED:"); ok || r.Status != qemu.Pass {
			t.Fatalf("fixed on 2 CPUs: %v %s\n%s", r.Status, d.Text, tail(r.Text(), 20))
		}
		t.Logf("%s fixed: %d injections, %d refused, %d window preemptions, %d migrations", arch,
			st["injections"], st["injections_refused"], st["window_preemptions"], st["migrations"])
		if st["injections"] == 0 || st["injections_refused"] != st["injections"] || st["window_preemptions"] != 0 || st["migrations"] == 0 {
			t.Errorf("fixed on 2 CPUs: want injections, all refused, no window preemption, migrations: %v", st)
		}
	})
}

// TestShootdown: the missed shootdown (workload=shoot). Linux 2.6.10's
// protocol survives with evidence that the dangerous moments happened —
// IPIs sent and acknowledged, lazy CPUs that left the mm and reloaded CR3
// when they came back; removing the reload (noreload) or skipping lazy
// CPUs (skiplazy) is caught.
func TestShootdown(t *testing.T) {
	forArch(t, func(t *testing.T, arch string) {
		stressSlots <- struct{}{}
		defer func() { <-stressSlots }()
		r := qemu.RunT(t, qemu.Config{Arch: arch, SMP: 2, Timeout: 120 * time.Second,
			Args: []string{"workload=shoot", "shootdown=fixed", "duration=1"}})
		st, _ := lastStat(r)
		if r.Status != qemu.Pass || !r.Contains("shoot: result clean") {
			t.Errorf("shootdown=fixed: %v\n%s", r.Status, tail(r.Text(), 30))
		} else if st["rounds"] == 0 || st["ipis"] == 0 || st["acked"] != st["ipis"] || st["lazy_leaves"] == 0 || st["lazy_reloads"] == 0 || st["stuck"] != 0 {
			t.Errorf("shootdown=fixed: want rounds, IPIs all acknowledged, lazy leaves and reloads, nothing stuck: %v", st)
		} else {
			t.Logf("%s fixed: %d rounds, %d IPIs acknowledged, %d lazy CPUs left and reloaded, %d cycles per shootdown",
				arch, st["rounds"], st["acked"], st["lazy_leaves"], st["shootdown_cycles"])
		}
		for _, c := range []struct{ variant, want, trace string }{
			{"noreload", "DETECTED: MISSED-RELOAD", "NORELOAD"},
			{"skiplazy", "DETECTED: STALE-TLB", "STALE"},
		} {
			// At the fixed icount shift (vCPUs take turns, round-robin):
			// the detection is then a pure function of the kernel — 4-5
			// ticks on both arches. Under multi-threaded TCG it depends on
			// how the host schedules the two vCPU threads: on a loaded
			// host skiplazy once went 100 s without a stale read, every
			// shootdown's IPI finding the reader's CPU not yet lazy.
			r := qemu.RunT(t, qemu.Config{Arch: arch, SMP: 2, Icount: true, Timeout: 120 * time.Second,
				Args: []string{"workload=shoot", "shootdown=" + c.variant}})
			if r.Status != qemu.TestFailure || !r.Contains(c.want) || !r.Contains(c.trace) {
				t.Errorf("shootdown=%s: %v, want %q and a %s trace line\n%s", c.variant, r.Status, c.want, c.trace, tail(r.Text(), 30))
				continue
			}
			d, _ := r.Find("DETECTED:")
			t.Logf("%s %s: %s", arch, c.variant, d.Text)
		}
	})
}

// TestStressSMP is make stress's multiprocessor part: the fixed variants
// for TLBRACE_STRESS_SECONDS (30) guest seconds on two CPUs — the seed's
// race under injection (every injection refused, tasks migrating all the
// while) and the shootdown protocol (every IPI acknowledged, the lazy CPU
// leaving and reloading every round). make test leaves it out (it sets no
// TLBRACE_SMP_STRESS).
func TestStressSMP(t *testing.T) {
	if os.Getenv("TLBRACE_SMP_STRESS") == "" {
		t.Skip("make stress runs it (TLBRACE_SMP_STRESS=1)")
	}
	secs := int(stressSeconds(t) / time.Second)
	forArch(t, func(t *testing.T, arch string) {
		stressSlots <- struct{}{}
		defer func() { <-stressSlots }()
		timeout := time.Duration(secs)*10*time.Second + 120*time.Second // a guest second takes several on a loaded host
		r := qemu.RunT(t, qemu.Config{Arch: arch, SMP: 2, Timeout: timeout,
			Args: injectWords("fixed", 1, fmt.Sprintf("duration=%d", secs))})
		st, _ := lastStat(r)
		if d, ok := r.Find("DETECTED:"); ok || r.Status != qemu.Pass {
			t.Errorf("seed race, fixed, 2 CPUs, %d s: %v %s\n%s", secs, r.Status, d.Text, tail(r.Text(), 20))
		} else if st["injections"] == 0 || st["injections_refused"] != st["injections"] || st["window_preemptions"] != 0 || st["migrations"] == 0 {
			t.Errorf("seed race, fixed, 2 CPUs: %v", st)
		} else {
			t.Logf("%s seed race fixed, %d s on 2 CPUs: %d injections all refused, %d migrations", arch, secs, st["injections"], st["migrations"])
		}
		r = qemu.RunT(t, qemu.Config{Arch: arch, SMP: 2, Timeout: timeout,
			Args: []string{"workload=shoot", "shootdown=fixed", fmt.Sprintf("duration=%d", secs), "quiet"}})
		st, _ = lastStat(r)
		if r.Status != qemu.Pass || st["ipis"] == 0 || st["acked"] != st["ipis"] || st["stuck"] != 0 || st["lazy_reloads"] == 0 {
			t.Errorf("shootdown fixed, %d s: %v %v\n%s", secs, r.Status, st, tail(r.Text(), 20))
		} else {
			t.Logf("%s shootdown fixed, %d s: %d rounds, %d IPIs acknowledged, %d lazy leaves and reloads, p50/p99 %d/%d TSC cycles",
				arch, secs, st["rounds"], st["acked"], st["lazy_reloads"], st["shootdown_p50"], st["shootdown_p99"])
		}
	})
}
