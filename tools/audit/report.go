// report.go: the plain-text report, for a person: every CR3/CR4 write with
// who can reach it and the verdict on each checked caller, then the CR3
// reads and INVLPGs for context, then the summary line.

package main

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/arch/x86/x86asm"
)

// gnu prints an instruction in GNU (objdump) syntax.
func gnu(in *Inst) string { return x86asm.GNUSyntax(in.Inst, in.Addr, nil) }

// writeText prints r.
func writeText(w io.Writer, r *Result) {
	fmt.Fprintf(w, "== %s: ELF%d, decoded as %d-bit code: %d functions, %d instructions\n",
		r.File, r.Mode, r.Mode, r.Funcs, r.Insts)
	if n := len(r.Skipped); n > 0 {
		var names []string
		for _, e := range r.Skipped {
			names = append(names, e.Func)
		}
		fmt.Fprintf(w, "skipped %d runtime/library functions with bytes x86asm cannot decode (not kernel code): %s\n",
			n, strings.Join(names, ", "))
	}
	if r.HostSkipped > 0 {
		fmt.Fprintf(w, "boot trampoline: %d data bytes skipped\n", r.HostSkipped)
	}
	fmt.Fprintf(w, "%d indirect-call edges through function values\n", r.PointerEdges)
	for _, e := range r.Errors {
		fmt.Fprintf(w, "ERROR: %v\n", e)
	}
	for _, a := range r.Unused {
		fmt.Fprintf(w, "warning: %s annotation %s names no function in this image (renamed? inlined?)\n", a.Pos, a.Symbol)
	}

	fmt.Fprintf(w, "\nCR3/CR4 writes\n")
	for _, s := range r.Writes {
		fmt.Fprintf(w, "  %#x  %-28s %s\n", s.Addr, s.Where, s.Text)
		if s.Verdict != "" {
			fmt.Fprintf(w, "      %s: %s\n", s.Verdict, s.Reason)
		}
		if s.Verdict == Boot {
			continue
		}
		wrap(w, fmt.Sprintf("      reached by %d functions: ", len(s.Reachers)), shortAll(s.Reachers))
		if len(s.Checked) == 0 {
			fmt.Fprintf(w, "      no callers outside tlbrace/asm\n")
		}
		for _, c := range s.Checked {
			fmt.Fprintf(w, "      %-10s %s: %s\n", c.Verdict, short(c.Func), c.Reason)
			if len(c.Via) > 0 {
				fmt.Fprintf(w, "                 its caller's contract, through %s\n", strings.Join(shortAll(c.Via), " → "))
			}
			for _, call := range c.Calls {
				fmt.Fprintf(w, "                 %#x %s %s\n", call.At, call.How, short(call.Callee))
			}
			if len(c.Callers) > 0 {
				wrap(w, "                 callers trusted by the annotation: ", shortAll(c.Callers))
			}
		}
	}
	list(w, "CR3 reads (context)", r.CR3Reads)
	list(w, "INVLPG (context)", r.Invlpgs)
	fmt.Fprintf(w, "\n%s\n", r.Summary)
}

func list(w io.Writer, title string, sites []Site) {
	fmt.Fprintf(w, "\n%s\n", title)
	for _, s := range sites {
		fmt.Fprintf(w, "  %#x  %-28s %s\n", s.Addr, s.Where, s.Text)
	}
}

func shortAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = short(n)
	}
	return out
}

// wrap prints prefix then the items comma-separated, wrapped at 100 columns.
func wrap(w io.Writer, prefix string, items []string) {
	indent := strings.Repeat(" ", len(prefix))
	line := prefix
	for i, it := range items {
		if i < len(items)-1 {
			it += ","
		}
		if len(line)+len(it)+1 > 100 && line != prefix && line != indent {
			fmt.Fprintln(w, strings.TrimRight(line, " "))
			line = indent
		}
		line += it + " "
	}
	fmt.Fprintln(w, strings.TrimRight(line, " "))
}
