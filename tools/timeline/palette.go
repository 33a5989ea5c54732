// palette.go: one color per address space, the same in every lane, so the
// eye can match "this task runs on mm 3" with "CR3 holds mm 3".
//
// Red is kept out of the palette: it means "CR3 and the belief disagree".

package main

import "strconv"

// mmColors are for mm 1, 2, 3, ... (Tableau 10 without its red).
var mmColors = []string{"#4e79a7", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac"}

const (
	colorInitMM  = "#7f7f7f" // mm 0: the kernel's init_mm
	colorNoLive  = "#222222" // a page directory no live mm owns
	colorUnknown = "#d9d9d9" // before the trace says
	colorRace    = "#d62728" // CR3 != belief
	colorInk     = "#1f2328" // text
	colorMuted   = "#6e7781" // secondary text
)

// mmColor is the fill for an mm id.
func mmColor(id int) string {
	switch {
	case id == MMKernel:
		return colorInitMM
	case id == MMNoLive:
		return colorNoLive
	case id < 0:
		return colorUnknown
	}
	return mmColors[(id-1)%len(mmColors)]
}

// mmTint is a pale version of mmColor (the background of hatched bars).
func mmTint(id int) string { return mix(mmColor(id), "#ffffff", 0.7) }

// textOn picks black or white text for a fill color, by its luminance.
func textOn(fill string) string {
	r, g, b := rgb(fill)
	if 0.299*r+0.587*g+0.114*b > 150 {
		return colorInk
	}
	return "#ffffff"
}

// mix blends color a toward b by f (0 = a, 1 = b).
func mix(a, b string, f float64) string {
	ar, ag, ab := rgb(a)
	br, bg, bb := rgb(b)
	c := func(x, y float64) string {
		v := strconv.FormatInt(int64(x+(y-x)*f+0.5), 16)
		if len(v) < 2 {
			v = "0" + v
		}
		return v
	}
	return "#" + c(ar, br) + c(ag, bg) + c(ab, bb)
}

// rgb splits "#rrggbb".
func rgb(hex string) (r, g, b float64) {
	v, _ := strconv.ParseUint(hex[1:], 16, 32)
	return float64(v >> 16 & 0xff), float64(v >> 8 & 0xff), float64(v & 0xff)
}
