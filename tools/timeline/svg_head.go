// svg_head.go: the frame around the lanes: shared definitions (hatching,
// arrowhead), title block, legend, time axis and the reading guide at the
// bottom.

package main

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// hatchID names the hatching pattern of a borrowed mm.
func hatchID(mm int) string {
	if mm < 0 {
		return fmt.Sprintf("hatch-m%d", -mm)
	}
	return fmt.Sprintf("hatch-%d", mm)
}

// usedMMs lists every mm id the picture colors, sorted (real mms first).
func usedMMs(tl *Timeline) []int {
	seen := map[int]bool{}
	for _, r := range tl.Runs {
		seen[r.MM] = true
	}
	for _, s := range append(append([]Seg{}, tl.Belief...), tl.CR3...) {
		seen[s.MM] = true
	}
	for _, w := range tl.Windows {
		seen[w.HeldMM] = true
	}
	delete(seen, MMNone)
	var ids []int
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if (ids[i] > 0) != (ids[j] > 0) {
			return ids[i] > 0
		}
		return ids[i] < ids[j]
	})
	return ids
}

func defs(d *svgDoc, tl *Timeline) {
	d.el(`<defs>`)
	for _, mm := range usedMMs(tl) {
		d.el(`<pattern id="%s" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="%s"/><rect width="3.5" height="8" fill="%s"/></pattern>`,
			hatchID(mm), mmTint(mm), mmColor(mm))
	}
	d.el(`<pattern id="hatch-unknown" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3f3f3"/><rect width="2" height="6" fill="#dddddd"/></pattern>`)
	d.el(`<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`, colorRace)
	d.el(`</defs>`)
}

// runFacts picks "arch=386 flush=racy seed=1 hz=10000" out of the ready line.
func runFacts(ready string) map[string]string {
	facts := map[string]string{}
	for _, f := range strings.Fields(ready) {
		if k, v, ok := strings.Cut(f, "="); ok {
			facts[k] = v
		}
	}
	return facts
}

// DefaultTitle is the headline when -title is not given.
func DefaultTitle(tl *Timeline) string {
	f := runFacts(tl.Ready)
	var parts []string
	for _, k := range []string{"arch", "flush", "seed"} {
		if v := f[k]; v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	t := "The __flush_tlb() preemption race, caught by tlbrace"
	if len(parts) > 0 {
		t += " (" + strings.Join(parts, " ") + ")"
	}
	return t
}

func header(d *svgDoc, g *geom, title string) {
	tl := g.tl
	d.text(labelX, 34, fmt.Sprintf(`font-size="21" font-weight="bold" fill="%s"`, colorInk), title)
	det := tl.Detected
	if det == "" {
		det = "(no DETECTED line in the log)"
	}
	d.text(labelX, 59, `font-size="14" font-weight="bold" fill="#a3151a"`, det)
	shown := ""
	if tl.Start > float64(tl.FirstTick) {
		shown = fmt.Sprintf(" (drawn from tick %d)", tickOf(tl.Start))
	}
	facts := fmt.Sprintf("trace: last %d events, ticks %d–%d%s · 1 tick = %s of guest time · events sharing a tick are spread across it in log order",
		tl.Records, tl.FirstTick, tl.LastTick, shown, tickDuration(tl))
	d.text(labelX, 79, fmt.Sprintf(`font-size="12" fill="%s"`, colorMuted), facts)
	legend(d, tl)
}

// tickDuration says how long one tick is, from the ready line's hz.
func tickDuration(tl *Timeline) string {
	us := tickMicros(tl)
	if us >= 1000 {
		return fmt.Sprintf("%g ms", us/1000)
	}
	return fmt.Sprintf("%g µs", us)
}

// legendIndent is where legend items start, after the row's heading.
const legendIndent = 128.0

// legend: the address-space colors, then what the shapes mean.
func legend(d *svgDoc, tl *Timeline) {
	owners := map[int][]string{}
	for _, t := range tl.Tasks {
		if !t.Kernel && t.MM >= 0 {
			owners[t.MM] = append(owners[t.MM], t.Label)
		}
	}
	x, y := labelX, 104.0
	muted := fmt.Sprintf(`font-size="12" fill="%s"`, colorMuted)
	item := fmt.Sprintf(`font-size="12.5" fill="%s"`, colorInk)
	d.text(x, y+11, muted+` font-weight="bold"`, "address spaces:")
	x += legendIndent
	for _, mm := range usedMMs(tl) {
		label := mmName(mm)
		switch {
		case len(owners[mm]) > 0:
			label += " (" + strings.Join(owners[mm], ", ") + ")"
		case mm == MMKernel:
			label += " (kernel)"
		case mm == MMNoLive:
			label = "no live mm (freed page directory)"
		}
		d.rect(x, y, 16, 14, fmt.Sprintf(`rx="2" fill="%s"`, mmColor(mm)))
		d.text(x+21, y+11.5, item, label)
		x += 21 + textWidth(label, 12.5) + 18
	}

	x, y = labelX, 128
	d.text(x, y+11, muted+` font-weight="bold"`, "shapes:")
	x += legendIndent
	solid := mmColor(1)
	d.rect(x, y, 26, 14, fmt.Sprintf(`rx="2" fill="%s"`, solid))
	x = legendText(d, x+31, y, item, "task on its own mm")
	d.rect(x, y, 26, 14, fmt.Sprintf(`rx="2" fill="url(#%s)" stroke="%s"`, hatchID(1), solid))
	x = legendText(d, x+31, y, item, "kernel thread on a borrowed mm (lazy TLB)")
	d.rect(x, y, 26, 14, fmt.Sprintf(`rx="2" fill="#ffffff" stroke="%s" stroke-width="1.5" stroke-dasharray="4 2"`, colorInk))
	x = legendText(d, x+31, y, item, "preempted mid-flush")
	d.rect(x, y, 26, 14, fmt.Sprintf(`fill="%s" fill-opacity="0.15" stroke="%s" stroke-width="2"`, colorRace, colorRace))
	x = legendText(d, x+31, y, item, "CR3 ≠ belief")
	badge(d, x+9, y+7, 1, colorInk)
	legendText(d, x+23, y, item, "key event")
}

func legendText(d *svgDoc, x, y float64, attrs, s string) float64 {
	d.text(x, y+11.5, attrs, s)
	return x + textWidth(s, 12.5) + 18
}

// axis: tick numbers on top, light vertical grid lines through all lanes.
func axis(d *svgDoc, g *geom) {
	tl := g.tl
	perTick := (plotR - plotL) / (tl.End - tl.Start)
	step := int64(1)
	for _, s := range []int64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000} {
		step = s
		if float64(s)*perTick >= 44 {
			break
		}
	}
	bottom := g.cr3Top + laneH
	d.text(labelX, g.axisY, fmt.Sprintf(`font-size="12" font-weight="bold" fill="%s"`, colorMuted), "time (ticks)")
	for t := int64(math.Ceil(tl.Start)); float64(t) <= tl.End; t++ {
		x := g.x(float64(t))
		if t%step == 0 {
			d.line(x, g.lanesTop, x, bottom, `stroke="#e4e6ea" stroke-width="1"`)
			d.line(x, g.axisY+3, x, g.lanesTop, `stroke="#8c959f" stroke-width="1"`)
			d.text(x, g.axisY, fmt.Sprintf(`font-size="11.5" text-anchor="middle" fill="%s"`, colorMuted), fmt.Sprint(t))
		} else if perTick >= 5 {
			d.line(x, g.axisY+6, x, g.lanesTop, `stroke="#c8ccd1" stroke-width="1"`)
		}
	}
}

// footerLines is the reading guide, wrapped to the picture's width.
func footerLines(tl *Timeline, source string) []string {
	guide := "How to read it: a task lane is filled while that task has the CPU, in the color of the address space (active_mm) it runs on. " +
		"The two bottom lanes compare what the scheduler believes the CPU is on (the running task's active_mm) with the page directory CR3 really points at; " +
		"where they differ (red) the running task walks another process's page tables, and switch_mm, trusting the belief, skips the CR3 load that would repair it."
	src := fmt.Sprintf("Drawn by tools/timeline from the TRACE-RAW block of %s.", source)
	var out []string
	for _, p := range []string{guide, src} {
		out = append(out, wrap(p, 12, svgWidth-2*labelX)...)
	}
	return out
}

func footer(d *svgDoc, g *geom, lines []string) {
	d.line(labelX, g.footerTop-12, svgWidth-labelX, g.footerTop-12, `stroke="#d0d7de" stroke-width="1"`)
	for i, l := range lines {
		d.text(labelX, g.footerTop+6+16*float64(i), fmt.Sprintf(`font-size="12" fill="%s"`, colorMuted), l)
	}
}
