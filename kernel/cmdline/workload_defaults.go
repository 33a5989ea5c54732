package cmdline

// Defaults that depend on the workload. A workload owns the settings that
// make it do its job, however the kernel is launched (qemu.sh, GRUB, a
// hand-typed -append): workload=stress alone reproduces the race, without
// a wrapper adding the right words. An option given on the command line
// always wins; the table default applies to every other workload.

// workloadDefault is one option's default under one workload.
type workloadDefault struct {
	workload Workload
	name     string
	value    uint64
}

// workloadDefaults: the stress workload's constellation. Two user tasks
// and twelve lazy-TLB flusher threads (with four, a third of the ticks
// landed in the workers and fewer in a flush window: docs/performance.md),
// a jittered 10 kHz tick, a seeded
// shuffle so that every interleaving gets a chance, steering after a
// preemption in a flush window (kernel/stress/steer.go: the picks that
// turn it into the race), and a lockup after four spurious faults in a
// row (steering keeps the episode going until the count is reached).
var workloadDefaults = [...]workloadDefault{
	{WorkloadStress, "hz", 10000},
	{WorkloadStress, "sched", uint64(SchedShuffle)},
	{WorkloadStress, "lockup", 4},
	{WorkloadStress, "users", 2},
	{WorkloadStress, "kthreads", 12},
	{WorkloadStress, "steer", 1},
	{WorkloadShoot, "lockup", 4},
	// workload=race (make qemu) runs the same constellation under
	// breakpoint injection, which needs no fast tick (the injections
	// preempt), and shows a short trace.
	{WorkloadRace, "sched", uint64(SchedShuffle)},
	{WorkloadRace, "lockup", 4},
	{WorkloadRace, "users", 2},
	{WorkloadRace, "kthreads", 4},
	{WorkloadRace, "inject", 50},
	{WorkloadRace, "trace", 16},
	// workload=fuzz: the same constellation for stress=on, and a run of
	// ten seconds (its verdict, frames back to the baseline, comes at the
	// end of the run).
	{WorkloadFuzz, "hz", 10000},
	{WorkloadFuzz, "sched", uint64(SchedShuffle)},
	{WorkloadFuzz, "lockup", 4},
	{WorkloadFuzz, "users", 2},
	{WorkloadFuzz, "kthreads", 4},
	{WorkloadFuzz, "duration", 10},
}

// workloadOption is the index of workload= in table.
const workloadOption = 7

// defaultFor returns option i's default under workload w.
func defaultFor(i int, w Workload) uint64 {
	for _, d := range workloadDefaults {
		if d.workload == w && d.name == table[i].name {
			return d.value
		}
	}
	return table[i].def
}

// applyWorkloadDefaults sets the options not given on the command line
// (seen[i] false) to their default under the chosen workload.
func (o *Options) applyWorkloadDefaults(seen *[len(table)]bool) {
	for i := range table {
		if !seen[i] && table[i].kind != kindList {
			table[i].set(o, defaultFor(i, o.Workload))
		}
	}
}
