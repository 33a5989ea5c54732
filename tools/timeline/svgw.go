// svgw.go: the few SVG primitives the picture needs, written by hand.
//
// Attribute strings are built by the callers from numbers and fixed color
// names; every piece of text from the log goes through esc.

package main

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// svgDoc collects the elements of one picture.
type svgDoc struct{ b strings.Builder }

// el writes one element line; format and args as for fmt.Sprintf.
func (d *svgDoc) el(format string, args ...any) {
	fmt.Fprintf(&d.b, format, args...)
	d.b.WriteByte('\n')
}

func (d *svgDoc) rect(x, y, w, h float64, attrs string) {
	d.el(`<rect x="%s" y="%s" width="%s" height="%s" %s/>`, num(x), num(y), num(w), num(h), attrs)
}

func (d *svgDoc) line(x1, y1, x2, y2 float64, attrs string) {
	d.el(`<line x1="%s" y1="%s" x2="%s" y2="%s" %s/>`, num(x1), num(y1), num(x2), num(y2), attrs)
}

func (d *svgDoc) circle(cx, cy, r float64, attrs string) {
	d.el(`<circle cx="%s" cy="%s" r="%s" %s/>`, num(cx), num(cy), num(r), attrs)
}

// text writes escaped text; attrs carry font size, anchor and color.
func (d *svgDoc) text(x, y float64, attrs, s string) {
	d.el(`<text x="%s" y="%s" %s>%s</text>`, num(x), num(y), attrs, esc(s))
}

// esc escapes text for XML.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// num prints a coordinate with at most one decimal.
func num(f float64) string {
	return strconv.FormatFloat(float64(int64(f*10+0.5*sign(f)))/10, 'f', -1, 64)
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

// textWidth estimates how wide s is at a font size, in pixels. It errs
// wide (DejaVu Sans, the widest common sans), so boxes never clip text.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune(" ", r):
			w += 0.32
		case strings.ContainsRune("il.,:;|!'`", r):
			w += 0.30
		case strings.ContainsRune("fjrt()[]{}", r):
			w += 0.42
		case strings.ContainsRune("mwMW@%", r):
			w += 0.95
		case r >= 'A' && r <= 'Z':
			w += 0.72
		case r >= '0' && r <= '9':
			w += 0.64
		case r > 0x7f:
			w += 0.8
		default:
			w += 0.61
		}
	}
	return w * size
}

// wrap breaks s into lines no wider than width at the given font size.
func wrap(s string, size, width float64) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if cur != "" && textWidth(try, size) > width {
			lines = append(lines, cur)
			try = word
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
