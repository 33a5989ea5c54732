package kernel

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/leakcheck"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/stress"
)

// runStress runs workload=stress, under oom=/framecap= if given; a run
// with a duration ends by checking that its frames and address spaces
// are back (leakcheck), a leak failing it like a detection.
func runStress() bool {
	b := leakcheck.Take()
	if Opts.OOM != 0 || Opts.FrameCap != 0 {
		console.Printf("stress: out of memory on demand: oom=%d framecap=%d\n", Opts.OOM, Opts.FrameCap)
	}
	mm.Phys.ArmFailures(Opts.OOM, int(Opts.FrameCap), mm.ForTask)
	r := stress.Run(stressConfig(), program("bin/worker"))
	mm.Phys.DisarmFailures()
	if r.Detected() || r.Starved { // a starved run judged nothing: not a pass
		return false
	}
	return leakcheck.Check(b, "stress")
}
