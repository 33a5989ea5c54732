// Result: what one run produced, with helpers to search the serial log.
package qemu

import (
	"fmt"
	"strings"
	"time"
)

// Line is one serial-console line (trailing "\r" stripped), stamped with the
// time since the run started.
type Line struct {
	At   time.Duration
	Text string
}

// readyPrefix marks the end of boot (docs/conventions.md, serial protocol).
const readyPrefix = "tlbrace: ready"

// exit0Line is printed by the kernel just before leaving with 0 (pass).
const exit0Line = "EXIT 0"

// Result is the outcome of Run.
type Result struct {
	Status Status
	// ExitCode is qemu.sh's exit status; -1 when it was killed by a signal
	// (always so for Timeout, Stopped and Canceled unless it exited first).
	ExitCode int
	Lines    []Line
	Stderr   string
	// Elapsed is the time from start until qemu.sh exited.
	Elapsed time.Duration
	// CPU is the user and system time qemu.sh and QEMU (which it execs)
	// used: unlike Elapsed, barely changed by other processes on the host.
	CPU time.Duration
	// ReadyAt is when the first line starting with "tlbrace: ready" arrived;
	// -1 if none did.
	ReadyAt time.Duration
	// LogPath names the file holding the command, status, full serial log and
	// stderr of a run that did not pass; empty for Pass.
	LogPath string
	// Command is the shell command that reproduces the run when typed in Dir,
	// e.g. `./qemu.sh -a 386 --icount -- flush=racy seed=7`.
	Command string
	// Dir is the directory Command runs in (the one holding qemu.sh).
	Dir string
}

// OK reports whether the run passed. Only Pass is OK: a Stopped run means the
// caller's Stop saw what it was looking for, which the caller judges itself
// by checking Status == Stopped.
func (r *Result) OK() bool { return r != nil && r.Status == Pass }

// Find returns the first line starting with prefix.
func (r *Result) Find(prefix string) (Line, bool) {
	for _, l := range r.Lines {
		if strings.HasPrefix(l.Text, prefix) {
			return l, true
		}
	}
	return Line{}, false
}

// Contains reports whether some single line contains substr.
func (r *Result) Contains(substr string) bool {
	for _, l := range r.Lines {
		if strings.Contains(l.Text, substr) {
			return true
		}
	}
	return false
}

// Text returns the serial log, one line per line, each ending in "\n".
func (r *Result) Text() string {
	var b strings.Builder
	for _, l := range r.Lines {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// Reproduce returns a command that reproduces the run from any directory.
func (r *Result) Reproduce() string {
	return "cd " + shellQuote(r.Dir) + " && " + r.Command
}

// String summarises the run in one paragraph for failure messages: status,
// exit code, time, the reproducing command, the log path and, for a
// QEMUError, the end of stderr.
func (r *Result) String() string {
	if r == nil {
		return "<nil qemu.Result>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "QEMU run %v (exit status %d) after %v", r.Status, r.ExitCode, r.Elapsed.Round(time.Millisecond))
	if r.Status == QEMUError && r.ExitCode == exitPass {
		b.WriteString("; QEMU exited 1 but the kernel never printed \"EXIT 0\": either QEMU itself failed (e.g. a bad option; see stderr)" +
			" or the kernel left through isa-debug-exit without the EXIT line docs/conventions.md requires")
	}
	fmt.Fprintf(&b, "\n  reproduce: %s", r.Reproduce())
	if r.LogPath != "" {
		fmt.Fprintf(&b, "\n  log: %s", r.LogPath)
	}
	if r.Status == QEMUError || r.Status == Reset {
		if s := strings.TrimSpace(r.Stderr); s != "" {
			fmt.Fprintf(&b, "\n  stderr:\n%s", indent(lastLines(s, 20), "    "))
		}
	}
	return b.String()
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	ls := strings.Split(s, "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n")
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
