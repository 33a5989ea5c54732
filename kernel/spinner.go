package kernel

import "sync/atomic"

// spinner is a CPU-bound kernel thread: it never yields, so only
// preemption lets anything else run. The demo and bench=switch use it.
func spinner(i uintptr) {
	for !stopSpin.Load() {
		spins[i%uintptr(len(spins))].Add(1)
	}
}

var (
	spins    [2]atomic.Uint64 // each spinner's loop count
	stopSpin atomic.Bool      // every spinner returns (and exits) once set
)
