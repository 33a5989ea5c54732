// steps.go: a value that changes at points in time (a step function), kept
// as a list of segments. CR3 and the scheduler's belief are both steps.

package main

import "sort"

// Seg is one stretch of time [From, To) during which a value held.
type Seg struct {
	From, To float64
	MM       int    // the mm id: CR3's owner, or the running task's active_mm
	Value    uint64 // the CR3 value when known, else 0
}

// steps accumulates segments; set changes the value from time t on.
type steps struct{ segs []Seg }

func (s *steps) set(t float64, mm int, v uint64) {
	if n := len(s.segs); n > 0 {
		last := &s.segs[n-1]
		if last.MM == mm && (last.Value == v || v == 0) {
			return // no change (or no new information about the value)
		}
		if last.From == t { // two changes in one moment: the later wins
			*last = Seg{From: t, MM: mm, Value: v}
			s.mergeLast()
			return
		}
		last.To = t
	}
	s.segs = append(s.segs, Seg{From: t, MM: mm, Value: v})
}

// mergeLast folds the last segment into the one before if they are equal.
func (s *steps) mergeLast() {
	n := len(s.segs)
	if n >= 2 && s.segs[n-2].MM == s.segs[n-1].MM && s.segs[n-2].Value == s.segs[n-1].Value {
		s.segs = s.segs[:n-1]
		s.segs[n-2].To = 0
	}
}

// finish closes the last segment at end and returns the segments.
func (s *steps) finish(end float64) []Seg {
	if n := len(s.segs); n > 0 {
		s.segs[n-1].To = end
	}
	return s.segs
}

// at returns the segment holding at time t, if any.
func at(segs []Seg, t float64) (Seg, bool) {
	for _, s := range segs {
		if s.From <= t && t < s.To {
			return s, true
		}
	}
	return Seg{}, false
}

// divergence returns the stretches where CR3's owner differs from the
// belief (both known). In the result, MM is CR3's owner and Value the CR3
// value; Belief gives the believed mm for each stretch.
func divergence(cr3, belief []Seg) (out []Seg, believed []int) {
	var cuts []float64
	for _, s := range append(append([]Seg{}, cr3...), belief...) {
		cuts = append(cuts, s.From, s.To)
	}
	sort.Float64s(cuts)
	for i := 0; i+1 < len(cuts); i++ {
		from, to := cuts[i], cuts[i+1]
		if from == to {
			continue
		}
		c, ok1 := at(cr3, from)
		b, ok2 := at(belief, from)
		if !ok1 || !ok2 || c.MM == b.MM {
			continue
		}
		if n := len(out); n > 0 && out[n-1].To == from && out[n-1].MM == c.MM && believed[n-1] == b.MM {
			out[n-1].To = to
			continue
		}
		out = append(out, Seg{From: from, To: to, MM: c.MM, Value: c.Value})
		believed = append(believed, b.MM)
	}
	return out, believed
}
