// moments.go: when, inside its tick, each record happened.
//
// Ticks are coarse: a preemption and the switch it causes, or a switch and
// the stale CR3 write right after it, share one tick. To draw them in order
// we give each record a time in fractional ticks: the records of one tick
// are grouped into "moments" and the moments are spread evenly across the
// tick, in log order. The records that make up one context switch (borrow,
// cr3write, cr3skip, then switch) are one moment: they happen together.

package main

// switchPart reports whether a record kind is printed by the context switch
// just before its "switch" record.
func switchPart(k Kind) bool { return k == Borrow || k == CR3Write || k == CR3Skip }

// momentTimes returns, for each record, its time in ticks: tick + k/n for
// the k-th of the n moments of that tick.
func momentTimes(recs []Record) []float64 {
	// moment[i] is the index of record i's moment; first[m] its first record.
	moment := make([]int, len(recs))
	var first []int
	for i := 0; i < len(recs); {
		j := i
		for j < len(recs) && recs[j].Tick == recs[i].Tick && switchPart(recs[j].Kind) {
			j++
		}
		switch {
		case j < len(recs) && recs[j].Tick == recs[i].Tick && recs[j].Kind == Switch:
			j++ // the parts and their switch
		case j == i:
			j++ // a record of its own
		}
		for k := i; k < j; k++ {
			moment[k] = len(first)
		}
		first = append(first, i)
		i = j
	}
	// Number the moments within each tick.
	pos := make([]int, len(first))   // k: position within the tick
	count := make([]int, len(first)) // n: moments in that tick
	for m := 0; m < len(first); {
		n := m
		for n < len(first) && recs[first[n]].Tick == recs[first[m]].Tick {
			n++
		}
		for k := m; k < n; k++ {
			pos[k], count[k] = k-m, n-m
		}
		m = n
	}
	times := make([]float64, len(recs))
	for i, m := range moment {
		times[i] = float64(recs[i].Tick) + float64(pos[m])/float64(count[m])
	}
	return times
}
