// svg_test.go: the picture is well-formed XML, has a lane for every task
// of the trace, the red divergence band and the key events.

package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// checkSVG parses svg as XML and checks what every picture must show.
func checkSVG(t *testing.T, tr *Trace, svg []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var root string
	var bands int
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
				if se.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root namespace %q", se.Name.Space)
				}
			}
			for _, a := range se.Attr {
				if a.Name.Local == "class" && a.Value == "divergence" {
					bands++
				}
			}
		}
	}
	if root != "svg" {
		t.Errorf("root element %q, want svg", root)
	}
	if bands == 0 {
		t.Errorf("no divergence band (class=\"divergence\")")
	}
	text := string(svg)
	for id, name := range tr.Names {
		if label := tr.TaskLabel(id); !strings.Contains(text, ">"+label+"<") {
			t.Errorf("no lane labelled %q (task %s)", label, name)
		}
	}
	for _, want := range []string{"scheduler&#39;s belief", ">CR3<", "DETECTED: ", "preempted mid-flush", "while borrowing", "no CR3 load"} {
		if !strings.Contains(text, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

func TestSVGSample(t *testing.T) {
	tr, tl := load(t, samplePath)
	checkSVG(t, tr, RenderSVG(tl, DefaultTitle(tl), samplePath))
	checkSVG(t, tr, RenderSVG(tl.Clip(focusStart(tl)), "focused", samplePath))
}

func TestSVGLive(t *testing.T) {
	tr, tl := load(t, livePath)
	svg := RenderSVG(tl.Clip(focusStart(tl)), "a <title> & more", livePath)
	checkSVG(t, tr, svg)
	if !strings.Contains(string(svg), "a &lt;title&gt; &amp; more") {
		t.Errorf("title not escaped")
	}
	if !strings.Contains(string(svg), `width="1200"`) {
		t.Errorf("picture is not 1200 px wide")
	}
}

func TestWrapAndWidth(t *testing.T) {
	lines := wrap("one two three four five six seven", 12, textWidth("one two three", 12)+1)
	if len(lines) != 3 || lines[0] != "one two three" {
		t.Errorf("wrap = %q", lines)
	}
	if textWidth("WWW", 10) <= textWidth("iii", 10) {
		t.Errorf("textWidth does not tell wide from narrow letters")
	}
}
