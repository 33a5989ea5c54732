// svg_lanes.go: the lanes. One per task (when it runs, on which mm; where
// it sits preempted inside a flush), then the two that tell the story: the
// scheduler's belief and CR3. A red band marks where those two disagree.

package main

import "fmt"

// barTop is where a bar starts inside a lane whose top is top.
func barTop(top float64) float64 { return top + (laneH-barH)/2 }

func laneLabel(d *svgDoc, top float64, name, sub string) {
	d.text(labelX, top+16, fmt.Sprintf(`font-size="13.5" font-weight="bold" fill="%s"`, colorInk), name)
	d.text(labelX, top+30, fmt.Sprintf(`font-size="10.5" fill="%s"`, colorMuted), sub)
}

// barText writes the first label that fits inside a bar, centered in the
// widest part of the bar that no key-event badge covers.
func barText(d *svgDoc, g *geom, x0, x1, top float64, color string, halo bool, labels ...string) {
	x0, x1 = freeSpan(g, x0, x1, top)
	for _, l := range labels {
		if textWidth(l, 11.5)+6 <= x1-x0 {
			attrs := fmt.Sprintf(`font-size="11.5" font-weight="bold" text-anchor="middle" fill="%s"`, color)
			if halo {
				attrs += ` stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"`
			}
			d.text((x0+x1)/2, barTop(top)+barH/2+4, attrs, l)
			return
		}
	}
}

// freeSpan returns the widest part of [x0, x1] not covered by a badge
// sitting on the lane whose top is top.
func freeSpan(g *geom, x0, x1, top float64) (float64, float64) {
	spans := [][2]float64{{x0, x1}}
	for i := range g.markX {
		if g.markY[i] <= top || g.markY[i] >= top+laneH { // outside, or on the lane's edge
			continue
		}
		b0, b1 := g.markX[i]-badgeR-2, g.markX[i]+badgeR+2
		var next [][2]float64
		for _, s := range spans {
			if b1 <= s[0] || b0 >= s[1] {
				next = append(next, s)
				continue
			}
			next = append(next, [2]float64{s[0], b0}, [2]float64{b1, s[1]})
		}
		spans = next
	}
	best := [2]float64{x0, x0}
	for _, s := range spans {
		if s[1]-s[0] > best[1]-best[0] {
			best = s
		}
	}
	return best[0], best[1]
}

func taskLanes(d *svgDoc, g *geom) {
	for i, t := range g.tl.Tasks {
		top := g.laneTop[t.ID]
		if i%2 == 0 {
			d.rect(labelX-8, top, plotR-labelX+16, laneH, `fill="#f6f8fa"`)
		}
		sub := "user task, own mm"
		switch {
		case t.Kernel:
			sub = "kernel thread, borrows"
		case t.MM >= 0 && g.tl.exits(t.ID):
			sub = "user task on " + mmName(t.MM) + ", exits"
		case t.MM >= 0:
			sub = "user task on " + mmName(t.MM)
		case !t.Ran:
			sub = "not seen running"
		}
		laneLabel(d, top, t.Label, sub)
		if !t.Ran {
			d.text(plotL+8, barTop(top)+barH/2+4, fmt.Sprintf(`font-size="11" font-style="italic" fill="%s"`, colorMuted),
				"does not run in this part of the trace")
		}
	}
	for _, r := range g.tl.Runs {
		top := g.laneTop[r.Task]
		x0, x1 := g.x(r.From), g.x(r.To)
		color := mmColor(r.MM)
		if r.Borrowed {
			d.rect(x0, barTop(top), x1-x0, barH, fmt.Sprintf(`fill="url(#%s)" stroke="%s" stroke-width="1"`, hatchID(r.MM), color))
			barText(d, g, x0, x1, top, colorInk, true, mmName(r.MM), shortMM(r.MM))
		} else {
			d.rect(x0, barTop(top), x1-x0, barH, fmt.Sprintf(`fill="%s" stroke="#ffffff" stroke-width="0.5"`, color))
			barText(d, g, x0, x1, top, textOn(color), false, mmName(r.MM), shortMM(r.MM))
		}
	}
	for _, w := range g.tl.Windows {
		top := g.laneTop[w.Task]
		x0, x1 := g.x(w.From), g.x(w.To)
		stroke := colorInk
		if !w.Stale() {
			stroke = colorMuted
		}
		d.rect(x0, barTop(top)-2, x1-x0, barH+4, fmt.Sprintf(`rx="3" fill="%s" stroke="%s" stroke-width="1.6" stroke-dasharray="5 3"`, mix(mmTint(w.HeldMM), "#ffffff", 0.4), stroke))
		barText(d, g, x0, x1, top, colorInk, false, "holds "+mmName(w.HeldMM), "holds "+shortMM(w.HeldMM), shortMM(w.HeldMM))
	}
}

// shortMM is the bare number for narrow bars.
func shortMM(mm int) string {
	if mm > 0 {
		return fmt.Sprint(mm)
	}
	return mmName(mm)
}

func machineLanes(d *svgDoc, g *geom) {
	d.line(labelX-8, g.beliefTop-4, plotR+8, g.beliefTop-4, `stroke="#8c959f" stroke-width="1"`)
	d.rect(labelX-8, g.beliefTop, plotR-labelX+16, 2*laneH, `fill="#f6f8fa"`)
	laneLabel(d, g.beliefTop, "scheduler's belief", "running task's active_mm")
	laneLabel(d, g.cr3Top, "CR3", "page directory in use")
	segLane(d, g, g.beliefTop, g.tl.Belief, false)
	segLane(d, g, g.cr3Top, g.tl.CR3, true)
}

// segLane draws a step function as bars; before its first step, "unknown".
func segLane(d *svgDoc, g *geom, top float64, segs []Seg, showValue bool) {
	first := g.tl.End
	if len(segs) > 0 {
		first = segs[0].From
	}
	if first > g.tl.Start {
		x0, x1 := g.x(g.tl.Start), g.x(first)
		d.rect(x0, barTop(top), x1-x0, barH, `fill="url(#hatch-unknown)"`)
		barText(d, g, x0, x1, top, colorMuted, false, "not in trace", "?")
	}
	for _, s := range segs {
		x0, x1 := g.x(s.From), g.x(s.To)
		color := mmColor(s.MM)
		d.rect(x0, barTop(top), x1-x0, barH, fmt.Sprintf(`fill="%s" stroke="#ffffff" stroke-width="0.5"`, color))
		labels := []string{mmName(s.MM), shortMM(s.MM)}
		if showValue && s.Value != 0 {
			labels = append([]string{fmt.Sprintf("%s · %#x", mmName(s.MM), s.Value)}, labels...)
		}
		barText(d, g, x0, x1, top, textOn(color), false, labels...)
	}
}

// divergenceBackdrop tints every lane during a divergence (drawn first).
func divergenceBackdrop(d *svgDoc, g *geom) {
	for _, s := range g.tl.Diverge {
		x0, x1 := g.x(s.From), g.x(s.To)
		d.rect(x0, g.lanesTop, x1-x0, g.cr3Top+laneH-g.lanesTop, fmt.Sprintf(`fill="%s" fill-opacity="0.08"`, colorRace))
	}
}

// divergenceBand frames the belief and CR3 lanes where they disagree.
func divergenceBand(d *svgDoc, g *geom) {
	for i, s := range g.tl.Diverge {
		x0, x1 := g.x(s.From), g.x(s.To)
		y0, y1 := barTop(g.beliefTop)-5, barTop(g.cr3Top)+barH+5
		d.el(`<rect id="divergence-%d" class="divergence" x="%s" y="%s" width="%s" height="%s" rx="3" fill="none" stroke="%s" stroke-width="2.5"/>`,
			i+1, num(x0), num(y0), num(x1-x0), num(y1-y0), colorRace)
	}
}

// divergenceLabel says in words, above the belief lane, what the band
// means (drawn last, with a white halo, so lines pass behind it).
func divergenceLabel(d *svgDoc, g *geom) {
	for i, s := range g.tl.Diverge {
		x0, x1 := g.x(s.From), g.x(s.To)
		label := fmt.Sprintf("CR3 ≠ belief from tick %d: the CPU walks %s's page tables, the scheduler thinks %s",
			tickOf(s.From), mmName(s.MM), mmName(g.tl.DivBelief[i]))
		w := textWidth(label, 12.5)
		attrs := fmt.Sprintf(`font-size="12.5" font-weight="bold" fill="%s" stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"`, colorRace)
		if x0+w <= plotR {
			d.text(x0, g.divLabelY, attrs, label)
		} else {
			d.text(max(x1, plotL+w), g.divLabelY, attrs+` text-anchor="end"`, label)
		}
	}
}
