// main.go: the command line. Read a serial log, rebuild the timeline,
// print a summary, write the SVG and/or the Perfetto JSON. See doc.go.

package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	svgOut := flag.String("svg", "", "write the SVG timeline to `file`")
	jsonOut := flag.String("perfetto", "", "write Chrome/Perfetto trace-event JSON to `file`")
	title := flag.String("title", "", "headline of the picture (default: derived from the log)")
	all := flag.Bool("all", false, "draw the whole trace (default: start a few ticks before the race)")
	cpu := flag.Int("cpu", -1, "with a trace from several CPUs, draw this CPU's (default: the CPU where the failure shows)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./tools/timeline [-svg out.svg] [-perfetto out.json] [-title T] [-all] [-cpu N] LOGFILE\n"+
			"LOGFILE is a serial log of a stress run that detected the race (\"-\" = stdin).\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *svgOut, *jsonOut, *title, *all, *cpu, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "timeline:", err)
		os.Exit(1)
	}
}

// run does the work; out receives the summary.
func run(logPath, svgOut, jsonOut, title string, all bool, cpu int, out io.Writer) error {
	in, source := io.Reader(os.Stdin), "<stdin>"
	if logPath != "-" {
		f, err := os.Open(logPath)
		if err != nil {
			return err
		}
		defer f.Close()
		in, source = f, logPath
	}
	tr, err := Parse(in, source)
	if err != nil {
		return err
	}
	// One CPU's picture: a task, CR3 and the scheduler's belief are per
	// CPU. Every CPU's events are in the trace; draw the one asked for,
	// or where the failure shows.
	cpus := tr.CPUs()
	if cpu >= 0 || len(cpus) > 1 {
		if cpu < 0 {
			cpu = tr.FailingCPU()
		}
		tr = tr.OnCPU(cpu)
		if len(tr.Records) == 0 {
			return fmt.Errorf("%s: no trace record from CPU %d (CPUs in the trace: %v)", source, cpu, cpus)
		}
		fmt.Fprintf(out, "%s: CPU %d of the trace's CPUs %v (-cpu N draws another)\n", source, cpu, cpus)
	}
	tl := Build(tr)
	if title == "" {
		title = DefaultTitle(tl)
		if len(cpus) > 1 {
			title += fmt.Sprintf(" — CPU %d", cpu)
		}
	}
	fmt.Fprint(out, Summary(tl, source))
	if svgOut != "" {
		view := tl
		if !all {
			view = tl.Clip(focusStart(tl))
		}
		if err := os.WriteFile(svgOut, RenderSVG(view, title, source), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %s\n", svgOut)
	}
	if jsonOut != "" {
		js, err := RenderPerfetto(tl, title)
		if err != nil {
			return err
		}
		if err := os.WriteFile(jsonOut, js, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %s (open in https://ui.perfetto.dev)\n", jsonOut)
	}
	return nil
}

// Summary is the timeline in a few lines of text.
func Summary(tl *Timeline, source string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d trace records, ticks %d-%d, %d tasks\n", source, tl.Records, tl.FirstTick, tl.LastTick, len(tl.Tasks))
	if tl.Detected != "" {
		fmt.Fprintf(&b, "  %s\n", tl.Detected)
	}
	if len(tl.Diverge) == 0 {
		fmt.Fprintf(&b, "  CR3 and the scheduler's belief agree throughout the trace\n")
	}
	for i, s := range tl.Diverge {
		end := fmt.Sprintf("to tick %d", tickOf(s.To))
		if s.To >= tl.End {
			end = "to the end of the trace"
		}
		fmt.Fprintf(&b, "  CR3 != belief from tick %d %s: CR3 = %s, belief = %s\n", tickOf(s.From), end, mmName(s.MM), mmName(tl.DivBelief[i]))
	}
	for _, m := range tl.Marks {
		fmt.Fprintf(&b, "  %d. tick %d: %s\n", m.N, m.Tick, m.Text)
	}
	return b.String()
}
