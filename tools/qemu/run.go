// Run: one boot of the kernel through qemu.sh, with timeout, early stop,
// cancellation and the failure log.
package qemu

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Run boots the kernel as cfg describes and waits for the run to end. The
// error is only for harness failures (bad Config, qemu.sh missing, kernel
// build failed, cannot start); every guest or QEMU outcome is in the Result.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	p, err := resolve(cfg)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("qemu: not starting %s: %w", p.command, err)
	}
	res, err := p.run(ctx)
	if err != nil {
		return nil, err
	}
	if res.Status != Pass {
		path, lerr := writeLog(p.logDir, p.arch, res)
		if lerr != nil {
			res.Stderr += fmt.Sprintf("\n[tlbrace harness: could not write the failure log: %v]\n", lerr)
		}
		res.LogPath = path
	}
	return res, nil
}

// endReason records the first of Stop/Timeout/Canceled to happen.
type endReason struct {
	once   sync.Once
	status Status
}

func (e *endReason) set(s Status) { e.once.Do(func() { e.status = s }) }

// get returns the recorded reason, or 0 if the run ended on its own.
func (e *endReason) get() Status {
	e.set(0)
	return e.status
}

// run executes the plan and collects its result (without the log file).
func (p *plan) run(ctx context.Context) (*Result, error) {
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("qemu: stdout pipe: %v", err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("qemu: stderr pipe: %v", err)
	}
	newCmd := func() *exec.Cmd {
		cmd := exec.Command(p.argv[0], p.argv[1:]...)
		cmd.Dir = p.dir
		cmd.Stdin = nil // os/exec connects the null device
		cmd.Stdout = outW
		cmd.Stderr = errW
		return cmd
	}
	cmd := newCmd()
	start := time.Now()
	err = startGroup(cmd)
	// ETXTBSY: the script was just written (a test's fake qemu.sh, a
	// checkout in progress) and another goroutine's fork still holds a
	// copy of the writer's descriptor until its exec closes it. It clears
	// within milliseconds: try again with a fresh command.
	for try := 0; errors.Is(err, syscall.ETXTBSY) && try < 20; try++ {
		time.Sleep(time.Duration(try+1) * 5 * time.Millisecond)
		cmd = newCmd()
		start = time.Now()
		err = startGroup(cmd)
	}
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return nil, fmt.Errorf("qemu: cannot start `%s` in %s: %v", p.command, p.dir, err)
	}
	pgid := cmd.Process.Pid

	var reason endReason
	stopCh := make(chan struct{})
	res := &Result{ReadyAt: -1, Command: p.command, Dir: p.dir}
	sawExit0 := false
	stopping := false

	outDone := make(chan struct{})
	go func() {
		defer close(outDone)
		readLines(outR, func(text string) {
			l := Line{At: time.Since(start), Text: text}
			res.Lines = append(res.Lines, l)
			if res.ReadyAt < 0 && strings.HasPrefix(text, readyPrefix) {
				res.ReadyAt = l.At
			}
			if strings.TrimSpace(text) == exit0Line {
				sawExit0 = true
			}
			if p.stop != nil && !stopping && p.stop(text) {
				stopping = true
				reason.set(Stopped)
				close(stopCh)
			}
		})
	}()
	var stderr string
	errDone := make(chan struct{})
	go func() {
		defer close(errDone)
		stderr = readAll(errR)
	}()

	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait() // the status is read from cmd.ProcessState
		close(exited)
	}()

	timer := time.NewTimer(p.timeout)
	defer timer.Stop()
	select {
	case <-exited:
	case <-stopCh:
		killGroup(pgid, exited)
	case <-timer.C:
		p.end(&reason, Timeout, pgid, exited)
	case <-ctx.Done():
		p.end(&reason, Canceled, pgid, exited)
	}
	res.Elapsed = time.Since(start)
	// Whatever the script left behind may still hold the pipes open.
	signalGroup(pgid, syscall.SIGKILL)
	drain(outR, outDone)
	drain(errR, errDone)

	res.Stderr = stderr
	res.ExitCode = cmd.ProcessState.ExitCode()
	res.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if s := reason.get(); s != 0 {
		res.Status = s
	} else {
		res.Status = classify(res.ExitCode, sawExit0)
	}
	return res, nil
}

// end records why the harness is ending the run and kills the group, unless
// the script exited on its own in the meantime.
func (p *plan) end(reason *endReason, s Status, pgid int, exited <-chan struct{}) {
	select {
	case <-exited:
		return
	default:
	}
	reason.set(s)
	killGroup(pgid, exited)
}
