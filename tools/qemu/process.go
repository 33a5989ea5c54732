// process: the QEMU process group (start, kill) and the line readers on its
// pipes.
package qemu

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

const (
	// killGrace is how long the group gets between SIGTERM (which lets QEMU
	// finish a record file) and SIGKILL.
	killGrace = 500 * time.Millisecond
	// drainGrace is how long the readers get to reach EOF once the group is
	// dead before their pipes are forced shut (a process that left the group
	// may still hold them open).
	drainGrace = 300 * time.Millisecond
)

// startGroup starts cmd as the leader of a new process group, so that
// killGroup reaches QEMU and everything the script spawned.
func startGroup(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd.Start()
}

// signalGroup sends sig to the process group pgid; a group that is already
// gone (ESRCH) is not an error. While a member lives its id cannot be reused.
func signalGroup(pgid int, sig syscall.Signal) {
	_ = syscall.Kill(-pgid, sig)
}

// killGroup ends the group: SIGTERM, then SIGKILL after killGrace unless the
// leader exited by then. It returns once the leader has been reaped.
func killGroup(pgid int, exited <-chan struct{}) {
	signalGroup(pgid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(killGrace):
		signalGroup(pgid, syscall.SIGKILL)
		<-exited
	}
}

// readLines reads f until EOF or a read deadline, calling onLine for every
// line (a final line without "\n" included) with trailing "\r" removed.
func readLines(f *os.File, onLine func(string)) {
	br := bufio.NewReaderSize(f, 64<<10)
	for {
		s, err := br.ReadString('\n')
		if s != "" {
			onLine(strings.TrimRight(strings.TrimSuffix(s, "\n"), "\r"))
		}
		if err != nil {
			return
		}
	}
}

// readAll reads f until EOF or a read deadline.
func readAll(f *os.File) string {
	var b strings.Builder
	_, err := io.Copy(&b, f)
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		b.WriteString("\n[tlbrace harness: reading stderr: " + err.Error() + "]\n")
	}
	return b.String()
}

// drain waits for done (a reader finishing on f) for up to drainGrace, then
// forces f's reads to fail and waits for the reader to notice.
func drain(f *os.File, done <-chan struct{}) {
	select {
	case <-done:
	case <-time.After(drainGrace):
		_ = f.SetReadDeadline(time.Now())
		<-done
	}
	f.Close()
}
