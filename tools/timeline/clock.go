// clock.go: how long a tick is. The stress run sets hz=10000, so one tick is
// 100 µs; if the log's ready line names another hz, that one is used.

package main

import "strconv"

const defaultHz = 10000 // the stress mode's timer rate (qemu.sh stress)

// tickMicros is the length of one tick in microseconds.
func tickMicros(tl *Timeline) float64 {
	if hz, err := strconv.ParseFloat(runFacts(tl.Ready)["hz"], 64); err == nil && hz > 0 {
		return 1e6 / hz
	}
	return 1e6 / defaultHz
}
