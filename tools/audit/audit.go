// audit.go: one kernel image, start to finish: decode every function,
// list the sites, build the call graph, judge every write.

package main

import (
	"fmt"
	"sort"
)

// Result is the audit of one kernel image.
type Result struct {
	File         string        `json:"file"`
	Mode         int           `json:"mode"`
	Funcs        int           `json:"functions_decoded"`
	Insts        int           `json:"instructions"`
	Writes       []Site        `json:"writes"`
	CR3Reads     []Site        `json:"cr3_reads"`
	Invlpgs      []Site        `json:"invlpg"`
	Errors       []DecodeError `json:"decode_errors"`             // in the kernel's own functions: fatal
	Skipped      []DecodeError `json:"skipped_runtime,omitempty"` // in runtime/library functions: counted
	HostSkipped  int           `json:"host_bytes_skipped"`        // data bytes in the trampoline
	Annotations  []Annotation  `json:"annotations"`
	Unused       []Annotation  `json:"unused_annotations,omitempty"` // name no function in this image
	Summary      Summary       `json:"summary"`
	PointerEdges int           `json:"pointer_edges"`
}

// Summary is the closing line's numbers.
type Summary struct {
	WriteSites int `json:"write_sites"`
	Checked    int `json:"checked_callers"` // distinct functions
	Violations int `json:"violations"`      // distinct functions, plus misplaced writes
	KnownRacy  int `json:"known_racy"`      // distinct functions annotated known-racy
	Errors     int `json:"decode_errors"`
}

// OK reports whether the image passes.
func (r *Result) OK() bool { return r.Summary.Violations == 0 && r.Summary.Errors == 0 }

func (s Summary) String() string {
	line := fmt.Sprintf("audit: %d write sites, %d checked callers, %d violations, %d known-racy",
		s.WriteSites, s.Checked, s.Violations, s.KnownRacy)
	if s.Errors > 0 {
		line += fmt.Sprintf(", %d decode errors", s.Errors)
	}
	return line
}

// audit runs every check on p.
func audit(p *Program, file string, ann map[string]Annotation, strict bool) *Result {
	r := &Result{File: file, Mode: p.Mode, Writes: []Site{}, CR3Reads: []Site{}, Invlpgs: []Site{},
		Errors: []DecodeError{}, Annotations: []Annotation{}}
	code := map[string][]Inst{}
	names := map[uint64]string{}
	for _, f := range p.Funcs {
		names[f.Addr] = f.Name
		var insts []Inst
		if f.Host {
			var skipped int
			insts, skipped = decodeHost(f)
			r.HostSkipped += skipped
		} else {
			var derr *DecodeError
			insts, derr = decodeFunc(f, p.Mode)
			if derr != nil {
				if ours(f.Name) {
					r.Errors = append(r.Errors, *derr)
				} else {
					r.Skipped = append(r.Skipped, *derr)
					insts = nil // skip: a sweep past bad bytes can't be trusted
				}
			}
		}
		code[f.Name] = insts
		r.Funcs++
		r.Insts += len(insts)
	}

	ptrs := buildPointers(p)
	g := buildGraph(p, code, ptrs)
	for _, es := range g.Out {
		for _, e := range es {
			if e.How != "call" && e.How != "jmp" {
				r.PointerEdges++
			}
		}
	}
	k := &checker{g: g, code: code, names: names, ann: ann, strict: strict}
	for _, f := range p.Funcs {
		for i := range code[f.Name] {
			in := &code[f.Name][i]
			kind := kindOf(in)
			if kind == "" {
				continue
			}
			s := Site{Kind: kind, Func: f.Name, Addr: in.Addr, Offset: in.Addr - f.Addr, Where: f.where(in.Addr), Text: gnu(in)}
			switch {
			case isWrite(kind):
				k.checkSite(&s, f)
				r.Writes = append(r.Writes, s)
			case kind == ReadCR3:
				r.CR3Reads = append(r.CR3Reads, s)
			default:
				r.Invlpgs = append(r.Invlpgs, s)
			}
		}
	}
	for _, a := range ann {
		r.Annotations = append(r.Annotations, a)
		if _, ok := code[a.Symbol]; !ok {
			r.Unused = append(r.Unused, a)
		}
	}
	sort.Slice(r.Annotations, func(i, j int) bool { return r.Annotations[i].Symbol < r.Annotations[j].Symbol })
	sort.Slice(r.Unused, func(i, j int) bool { return r.Unused[i].Symbol < r.Unused[j].Symbol })
	r.Summary = summarize(r)
	return r
}

// summarize counts distinct checked functions by verdict.
func summarize(r *Result) Summary {
	s := Summary{WriteSites: len(r.Writes), Errors: len(r.Errors)}
	checked, bad, racy := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, w := range r.Writes {
		if w.Verdict == Violation {
			s.Violations++
		}
		for _, c := range w.Checked {
			checked[c.Func] = true
			if c.Verdict == Violation {
				bad[c.Func] = true
			}
			if c.Annot == KnownRacy {
				racy[c.Func] = true
			}
		}
	}
	s.Checked, s.Violations, s.KnownRacy = len(checked), s.Violations+len(bad), len(racy)
	return s
}
