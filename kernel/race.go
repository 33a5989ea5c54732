package kernel

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/inject"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/stress"
)

// The race demo: `make qemu`'s default (workload=race). In a few seconds
// of default QEMU, no -icount needed: the racy flush under breakpoint
// injection until a detector fires, the detection explained step by step
// from this run's own trace, the fixed flush under the same injections,
// and how many of them it deferred; then the monitor.

// raceFixedTicks is how long the fixed flush runs, in timer ticks: a few
// thousand injections, and a second or so of wall time even on a loaded
// host (each tick also takes the injections' #DB exceptions).
const raceFixedTicks = 300

// raceRacySeconds bounds the racy run: under injection it is caught in
// well under a second (README, "What was measured").
const raceRacySeconds = 10

func race() {
	if Opts.Inject == 0 {
		console.Print("race: inject=0: without breakpoint injection a timer never lands in the flush window in\n" +
			"      default QEMU (docs/qemu-and-the-window.md); boot with inject=50, or run ./qemu.sh stress.\n")
		return
	}
	worker := program("bin/worker")
	cfg := stressConfig()
	cfg.Brief = true
	booted := mm.Selected

	console.Printf("\nrace: 1/3  the racy flush (flush=racy: Linux 2.6.10-rc2's __flush_tlb(), no preemption guard),\n"+
		"          %d user tasks and %d lazy-TLB kernel threads flushing in a loop. A debug-register breakpoint\n"+
		"          on each flush's CR3 write preempts there with probability %d%% (inject=%d), until a detector fires.\n",
		Opts.Users, Opts.KThreads, Opts.Inject, Opts.Inject)
	inject.Seed(Opts.Seed)
	mm.Selected = mm.Racy
	cfg.Seconds = raceRacySeconds
	r := stress.Run(cfg, worker)
	if !r.Detected() {
		console.Printf("race: no detection in %d s: unexpected under injection; see README.md, \"Watch the race happen\"\n", raceRacySeconds)
	}

	console.Printf("\nrace: 2/3  the fixed flush (flush=fixed: preemption disabled from the CR3 read to the write),\n"+
		"          the same constellation and the same injections, for %d timer ticks.\n", raceFixedTicks)
	inject.Seed(Opts.Seed)
	mm.Selected = mm.Fixed
	cfg.Ticks = raceFixedTicks
	f := stress.Run(cfg, worker)
	mm.Selected = booted
	c := &f.Counts
	switch {
	case f.Detected():
		console.Printf("race: the fixed flush was caught too (%s): a bug in the fix; see the report above\n", f.Kind)
	case c.Injections == 0:
		console.Print("race: no injection happened in the fixed run: it proved nothing\n")
	default:
		console.Printf("race: the fixed flush deferred %d of %d injections: each found preempt_count > 0 and only set\n"+
			"      need_resched; the switch waited for preempt_enable, after the CR3 write. %d window preemptions,\n"+
			"      no detection (%d reschedules deferred in all).\n",
			c.InjectionsRefused, c.Injections, c.WindowPreemptions, c.Deferred)
	}

	console.Print("\nrace: 3/3  the monitor: `race` runs this again, `stress racy|fixed` one part, `trace` the events,\n" +
		"          `exit` leaves. README.md and docs/walkthrough.md explain it all; docs/labs/ has the labs.\n")
}
