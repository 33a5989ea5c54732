// svg.go: the picture's layout, top to bottom, and the function that draws
// it. The parts live in their own files: svg_head.go (title, legend, time
// axis, footer), svg_lanes.go (task lanes, belief and CR3 lanes, the red
// divergence band) and svg_marks.go (numbered key events and their labels).
//
//	title, DETECTED line, run facts
//	legend
//	time axis (ticks)
//	one lane per task ............ when it runs, on which mm
//	the scheduler's belief ....... the running task's active_mm
//	CR3 .......................... the page directory really in use
//	numbered key events, one a row
//	how to read it

package main

// Horizontal geometry, in pixels.
const (
	svgWidth = 1200.0
	labelX   = 18.0   // lane labels start here
	plotL    = 196.0  // the time axis runs from plotL...
	plotR    = 1172.0 // ...to plotR
	laneH    = 36.0   // one lane
	barH     = 22.0   // a bar inside a lane
	rowH     = 24.0   // one key-event label row
)

// geom is where everything goes vertically, decided before drawing.
type geom struct {
	tl                *Timeline
	axisY             float64         // baseline of the tick labels
	lanesTop          float64         // top of the first task lane
	laneTop           map[int]float64 // task id -> top of its lane
	divLabelY         float64         // baseline of the "CR3 ≠ belief" label
	beliefTop, cr3Top float64         // tops of the two machine lanes
	marksTop          float64         // top of the first key-event row
	footerTop, height float64
	markX, markY      []float64 // where each Mark's badge sits
}

// x maps a time in ticks to a horizontal position.
func (g *geom) x(t float64) float64 {
	return plotL + (t-g.tl.Start)/(g.tl.End-g.tl.Start)*(plotR-plotL)
}

func layout(tl *Timeline, footer []string) *geom {
	g := &geom{tl: tl, laneTop: map[int]float64{}}
	g.axisY = 166
	g.lanesTop = g.axisY + 10
	y := g.lanesTop
	for _, t := range tl.Tasks {
		g.laneTop[t.ID] = y
		y += laneH
	}
	g.divLabelY = y + 20
	g.beliefTop = y + 28
	g.cr3Top = g.beliefTop + laneH
	g.marksTop = g.cr3Top + laneH + 30
	g.footerTop = g.marksTop + rowH*float64(len(tl.Marks)) + 18
	g.height = g.footerTop + 16*float64(len(footer)) + 14
	placeMarks(g)
	return g
}

// RenderSVG draws the timeline. title is the headline; source names the log.
func RenderSVG(tl *Timeline, title, source string) []byte {
	foot := footerLines(tl, source)
	g := layout(tl, foot)
	d := &svgDoc{}
	d.el(`<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="Helvetica, Arial, 'DejaVu Sans', sans-serif">`,
		num(svgWidth), num(g.height), num(svgWidth), num(g.height))
	d.el(`<title>%s</title>`, esc(title))
	d.rect(0, 0, svgWidth, g.height, `fill="#ffffff"`)
	defs(d, tl)
	header(d, g, title)
	axis(d, g)
	divergenceBackdrop(d, g)
	taskLanes(d, g)
	machineLanes(d, g)
	divergenceBand(d, g)
	keyEvents(d, g)
	divergenceLabel(d, g)
	footer(d, g, foot)
	d.el(`</svg>`)
	return []byte(d.b.String())
}
