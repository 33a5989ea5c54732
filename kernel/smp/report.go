package smp

import "tlbrace/kernel/console"

// Report prints the one line `cpus: N online`, naming any processor that
// did not start, and how many were left out (maxcpus=, rt.MaxCPUs).
func Report(f *Found) {
	console.Printf("cpus: %d online", NumCPUs)
	for i := 0; i < numFailed; i++ {
		console.Printf("; APIC id %d %s", failed[i], failedWhy[i])
	}
	if notStarted > 0 {
		console.Printf("; %d more not started (maxcpus=)", notStarted)
	}
	if f.BadSum != "" {
		console.Printf("; firmware table %s has a bad checksum", f.BadSum)
	}
	console.Printf(" (found by %s)\n", f.Source)
}
