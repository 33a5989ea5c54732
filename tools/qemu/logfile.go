// logfile: the file that keeps everything about a run that did not pass.
package qemu

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"time"
)

// writeLog writes r (command, status, full serial log with timestamps,
// stderr) to a new file in dir and returns its path.
func writeLog(dir, arch string, r *Result) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("log directory %s: %v", dir, err)
	}
	pattern := fmt.Sprintf("%s-%s-%s-*.log", arch, strings.ToLower(r.Status.String()), time.Now().Format("20060102-150405"))
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", fmt.Errorf("log file in %s: %v", dir, err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# tlbrace QEMU run: %v (exit status %d) after %v\n", r.Status, r.ExitCode, r.Elapsed)
	fmt.Fprintf(w, "# dir: %s\n", r.Dir)
	fmt.Fprintf(w, "# command: %s\n", r.Command)
	fmt.Fprintf(w, "# reproduce: %s\n", r.Reproduce())
	if r.ReadyAt >= 0 {
		fmt.Fprintf(w, "# ready at: %v\n", r.ReadyAt)
	} else {
		fmt.Fprintf(w, "# ready at: never\n")
	}
	fmt.Fprintf(w, "# ---- serial console (COM1): %d lines, [time since start] ----\n", len(r.Lines))
	for _, l := range r.Lines {
		fmt.Fprintf(w, "[%10.6fs] %s\n", l.At.Seconds(), l.Text)
	}
	fmt.Fprintf(w, "# ---- stderr ----\n%s", r.Stderr)
	if r.Stderr != "" && !strings.HasSuffix(r.Stderr, "\n") {
		w.WriteByte('\n')
	}
	fmt.Fprintf(w, "# ---- end ----\n")
	werr := w.Flush()
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr != nil {
		return f.Name(), fmt.Errorf("writing %s: %v", f.Name(), werr)
	}
	return f.Name(), nil
}
