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
// and four lazy-TLB flusher threads, a jittered 10 kHz tick, a seeded
// shuffle so that every interleaving gets a chance, and a lockup after
// four spurious faults in a row (an episode of the race averages more:
// a lower bound than the natural episode length catches every one).
var workloadDefaults = [...]workloadDefault{
	{WorkloadStress, "hz", 10000},
	{WorkloadStress, "sched", uint64(SchedShuffle)},
	{WorkloadStress, "lockup", 4},
	{WorkloadStress, "users", 2},
	{WorkloadStress, "kthreads", 4},
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
