// svg_marks.go: the key events. Each gets a numbered badge where it
// happened (on its task's lane, or on the CR3 lane for the skipped CR3
// load) and the same number on its own row below the lanes, joined by a
// dashed leader, with one sentence saying what happened. The stale CR3
// write also gets a red arrow from the task down into the CR3 lane: that is
// the moment the page directory changes behind the scheduler's back.

package main

import "fmt"

const badgeR = 9.0

// markColor is the outline of a key event's badge: grey for the harmless.
func markColor(m Mark) string {
	if !m.Harm {
		return colorMuted
	}
	return kindColor(m.Kind)
}

// kindColor is the outline of a key event's badge.
func kindColor(k Kind) string {
	switch k {
	case PreemptWindow:
		return "#5a32a3"
	case ResumeWindow:
		return "#a3151a"
	case CR3Skip:
		return "#bc4c00"
	case ExitMM, TeardownFlush:
		return "#0b6e4f"
	case Warn:
		return "#9a6700"
	}
	return colorRace
}

// placeMarks puts each badge on its lane at its time, nudging badges that
// would overlap on the same lane apart (keeping their order).
func placeMarks(g *geom) {
	marks := g.tl.Marks
	g.markX, g.markY = make([]float64, len(marks)), make([]float64, len(marks))
	lanes := map[float64][]int{}
	for i, m := range marks {
		g.markX[i] = g.x(m.At)
		g.markY[i] = g.laneTop[m.Task] + laneH/2
		if m.OnCR3 { // on the line between belief and CR3: it trusts one, ignores the other
			g.markY[i] = g.cr3Top
		}
		lanes[g.markY[i]] = append(lanes[g.markY[i]], i)
	}
	const gap = 2*badgeR + 2
	for _, idx := range lanes {
		for k := 1; k < len(idx); k++ {
			g.markX[idx[k]] = max(g.markX[idx[k]], g.markX[idx[k-1]]+gap)
		}
		limit := plotR + badgeR
		for k := len(idx) - 1; k >= 0; k-- {
			g.markX[idx[k]] = min(g.markX[idx[k]], limit)
			limit = g.markX[idx[k]] - gap
		}
	}
}

// badge draws a numbered circle.
func badge(d *svgDoc, x, y float64, n int, color string) {
	fill, ink := "#ffffff", color
	if color == colorRace {
		fill, ink = colorRace, "#ffffff"
	}
	d.circle(x, y, badgeR, fmt.Sprintf(`fill="%s" stroke="%s" stroke-width="2"`, fill, color))
	d.text(x, y+4, fmt.Sprintf(`font-size="11.5" font-weight="bold" text-anchor="middle" fill="%s"`, ink), fmt.Sprint(n))
}

func (g *geom) rowY(i int) float64 { return g.marksTop + rowH*float64(i) + rowH/2 }

func keyEvents(d *svgDoc, g *geom) {
	marks := g.tl.Marks
	if len(marks) > 0 {
		d.text(labelX, g.marksTop-8, fmt.Sprintf(`font-size="12.5" font-weight="bold" fill="%s"`, colorInk), "Key events:")
	}
	// Leaders first: labels and badges are drawn over them.
	for i, m := range marks {
		x := g.markX[i]
		d.line(x, g.markY[i]+badgeR, x, g.rowY(i)-badgeR,
			fmt.Sprintf(`stroke="%s" stroke-width="1.2" stroke-dasharray="3 3" stroke-opacity="0.8"`, markColor(m)))
	}
	for i, m := range marks {
		if m.Kind == ResumeWindow && m.Harm {
			x := g.markX[i]
			d.line(x, g.markY[i]+badgeR, x, barTop(g.cr3Top)-2,
				fmt.Sprintf(`stroke="%s" stroke-width="2.2" marker-end="url(#arrow)"`, colorRace))
		}
	}
	for i, m := range marks {
		x, y := g.markX[i], g.rowY(i)
		head := fmt.Sprintf("tick %d · ", m.Tick)
		w := textWidth(head, 12) + textWidth(m.Text, 12.5)
		tx := x + badgeR + 6
		if tx+w > svgWidth-labelX {
			tx = x - badgeR - 6 - w
		}
		d.rect(tx-4, y-9, w+8, 18, `rx="3" fill="#ffffff" fill-opacity="0.92"`)
		ink := colorInk
		if !m.Harm {
			ink = colorMuted
		}
		d.el(`<text xml:space="preserve" x="%s" y="%s" font-size="12.5" fill="%s"><tspan font-size="12" fill="%s">%s</tspan>%s</text>`,
			num(tx), num(y+4.5), ink, colorMuted, esc(head), esc(m.Text))
		badge(d, x, y, m.N, markColor(m))
		badge(d, x, g.markY[i], m.N, markColor(m))
	}
}
