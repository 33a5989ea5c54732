// focus.go: zoom the picture onto the race.
//
// A trace of 64 events can span 40 ticks of ordinary scheduling before the
// few that matter. By default the picture starts focusContext ticks before
// the first key event of the failure (the preemption that ends in a stale
// CR3 write), so the race gets most of the width; -all draws the whole
// trace. The JSON always has everything.

package main

import "math"

const focusContext = 10 // ticks of ordinary scheduling shown before the race

// focusStart is where the picture starts by default.
func focusStart(tl *Timeline) float64 {
	if len(tl.Marks) == 0 {
		return tl.Start
	}
	first := tl.Marks[0].At
	for _, m := range tl.Marks { // the first event of the failure, if any
		if m.Harm {
			first = m.At
			break
		}
	}
	return math.Max(tl.Start, math.Floor(first)-focusContext)
}

// Clip returns a copy of the timeline that starts at from: everything
// earlier is cut off, key events are renumbered.
func (tl *Timeline) Clip(from float64) *Timeline {
	if from <= tl.Start {
		return tl
	}
	c := *tl
	c.Start = from
	c.Runs = nil
	for _, r := range tl.Runs {
		if r.To > from {
			r.From = math.Max(r.From, from)
			c.Runs = append(c.Runs, r)
		}
	}
	clipSegs := func(segs []Seg) []Seg {
		var out []Seg
		for _, s := range segs {
			if s.To > from {
				s.From = math.Max(s.From, from)
				out = append(out, s)
			}
		}
		return out
	}
	c.Belief, c.CR3 = clipSegs(tl.Belief), clipSegs(tl.CR3)
	c.Diverge, c.DivBelief = nil, nil
	for i, s := range tl.Diverge {
		if s.To > from {
			s.From = math.Max(s.From, from)
			c.Diverge = append(c.Diverge, s)
			c.DivBelief = append(c.DivBelief, tl.DivBelief[i])
		}
	}
	c.Windows = nil
	for _, w := range tl.Windows {
		if w.To > from {
			w.From = math.Max(w.From, from)
			c.Windows = append(c.Windows, w)
		}
	}
	c.Marks = nil
	for _, m := range tl.Marks {
		if m.At >= from {
			m.N = len(c.Marks) + 1
			c.Marks = append(c.Marks, m)
		}
	}
	ran := map[int]bool{}
	for _, r := range c.Runs {
		ran[r.Task] = true
	}
	c.Tasks = nil
	for _, t := range tl.Tasks {
		t.Ran = ran[t.ID]
		c.Tasks = append(c.Tasks, t)
	}
	return &c
}
