//go:build linux && amd64

// This test runs the user programs on the host, as ordinary Linux
// processes under ptrace, with the test standing in for tlbrace's kernel:
// it sets up the entry registers (AX = id, BX = private pages, CX = shared
// page), and answers every `int $0x80` with tlbrace's system calls instead
// of Linux's. So the assembly is checked before any kernel can run it.
package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// Where the emulator maps the task's private pages and shared page
// (32-bit addresses, so both kinds of process can have them).
const (
	taskID       = 3
	privateVA    = 0x5000_0000
	privateSize  = 16 * 4096
	sharedVA     = 0x6000_0000
	pageSize     = 4096
	maxWrite     = 4096 // like kernel/user: longer writes get -EINVAL
	efault       = 14
	einval       = 22
	enosys       = 38
	sysMmap2     = 192 // Linux i386 mmap2, for setting the task up
	linuxNoSys   = ^uint64(0)
	stepsAllowed = 100_000 // system calls before the emulator gives up
)

// task is one program run under the emulator.
type task struct {
	pid     int
	vmas    [][2]uint64 // where write() may read: [start, end)
	out     bytes.Buffer
	reports [][3]uint64 // report(kind, addr, value) calls
	yields  int
	exit    int               // exit code, or -1
	signal  syscall.Signal    // the signal that killed it, or 0
	saved   map[uint64][]byte // bytes under the breakpoint and injected code
}

// emulate runs the program at path until it exits, is killed by a signal,
// or stop returns true (checked at every system call). onBreak, if set,
// runs once when the program reaches address brk.
func emulate(t *testing.T, path string, stop func(*task) bool, brk uint64, onBreak func(*task)) *task {
	runtime.LockOSThread() // ptrace requests must come from one thread
	defer runtime.UnlockOSThread()

	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tk := &task{exit: -1, saved: map[uint64][]byte{}, vmas: [][2]uint64{{privateVA, privateVA + privateSize}, {sharedVA, sharedVA + pageSize}}}
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD {
			tk.vmas = append(tk.vmas, [2]uint64{p.Vaddr, p.Vaddr + p.Memsz})
		}
	}

	pid, err := syscall.ForkExec(path, []string{path}, &syscall.ProcAttr{Sys: &syscall.SysProcAttr{Ptrace: true}})
	if err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	tk.pid = pid
	defer func() { syscall.Kill(pid, syscall.SIGKILL); syscall.Wait4(pid, nil, 0, nil) }()
	watchdog := time.AfterFunc(time.Minute, func() { syscall.Kill(pid, syscall.SIGKILL) })
	defer watchdog.Stop()
	if ws := tk.wait(t); ws.StopSignal() != syscall.SIGTRAP {
		t.Fatalf("%s did not stop at exec: %v", path, ws)
	}
	if err := syscall.PtraceSetOptions(pid, syscall.PTRACE_O_TRACESYSGOOD); err != nil {
		t.Skipf("ptrace does not work here: %v", err)
	}

	// Map the private and shared pages with injected mmap2 calls, then
	// enter the program with tlbrace's registers.
	regs := tk.regs(t)
	tk.inject(t, regs, sysMmap2, privateVA, privateSize)
	tk.inject(t, regs, sysMmap2, sharedVA, pageSize)
	regs.set(ax, taskID)
	regs.set(bx, privateVA)
	regs.set(cx, sharedVA)
	tk.setRegs(t, regs)
	if brk != 0 {
		tk.poke(t, brk, []byte{0xCC}) // int3
	}

	for steps := 0; steps < stepsAllowed; steps++ {
		check(t, syscall.PtraceSyscall(pid, 0))
		ws := tk.wait(t)
		switch {
		case ws.Exited() || ws.Signaled():
			t.Fatalf("process ended outside the emulator's control (a minute without a system call?): %v", ws)
		case ws.StopSignal() == syscall.SIGTRAP && brk != 0:
			// The breakpoint: undo it, run onBreak, resume at brk.
			regs := tk.regs(t)
			if regs.get(ip)-1 != brk {
				t.Fatalf("SIGTRAP at %#x, not at the breakpoint %#x", regs.get(ip), brk)
			}
			tk.restore(t, brk)
			regs.set(ip, brk)
			tk.setRegs(t, regs)
			onBreak(tk)
			brk = 0
		case ws.StopSignal() == syscall.SIGTRAP|0x80:
			if tk.syscall(t) || (stop != nil && stop(tk)) {
				return tk
			}
		default:
			tk.signal = ws.StopSignal() // e.g. SIGSEGV: the kernel would kill it
			return tk
		}
	}
	t.Fatalf("%s: still running after %d system calls", path, stepsAllowed)
	return nil
}

// syscall handles one `int $0x80` (we are at its entry stop): it turns the
// Linux call into a no-op, runs to the exit stop and sets the result.
// It returns true when the task has exited.
func (tk *task) syscall(t *testing.T) bool {
	regs := tk.regs(t)
	nr, a0, a1, a2 := regs.get(origAX), regs.get(bx), regs.get(cx), regs.get(dx)
	var result int64
	switch nr {
	case 1: // exit(code)
		tk.exit = int(int32(a0))
		return true
	case 2: // write(buf, len)
		result = tk.write(t, a0, a1)
	case 3: // getpid()
		result = taskID
	case 4: // yield()
		tk.yields++
	case 5: // sleep(ms)
	case 6: // report(kind, addr, value)
		tk.reports = append(tk.reports, [3]uint64{a0, a1, a2})
	case 7: // mapinfo()
		result = privateVA
	default:
		result = -enosys
	}
	regs.set(origAX, linuxNoSys) // Linux skips the call...
	tk.setRegs(t, regs)
	check(t, syscall.PtraceSyscall(tk.pid, 0))
	if ws := tk.wait(t); ws.StopSignal() != syscall.SIGTRAP|0x80 {
		t.Fatalf("no system-call exit stop: %v", ws)
	}
	regs = tk.regs(t)
	regs.set(ax, uint64(result)) // ...and returns tlbrace's result
	tk.setRegs(t, regs)
	return false
}

// write is tlbrace's write(): the buffer must lie inside one VMA.
func (tk *task) write(t *testing.T, buf, n uint64) int64 {
	if n > maxWrite {
		return -einval
	}
	for _, v := range tk.vmas {
		if buf >= v[0] && buf <= v[1] && n <= v[1]-buf {
			b := make([]byte, n)
			if _, err := syscall.PtracePeekData(tk.pid, uintptr(buf), b); err != nil {
				t.Fatalf("reading the task's buffer [%#x+%d): %v", buf, n, err)
			}
			tk.out.Write(b)
			return int64(n)
		}
	}
	return -efault
}

// inject runs one i386 system call (int $0x80 works in both kinds of
// process) at the entry point, with the registers of mmap2(addr, size,
// read|write, private|anonymous|fixed, -1, 0).
func (tk *task) inject(t *testing.T, saved regs, nr, addr, size uint64) {
	r := saved
	orig := tk.poke(t, r.get(ip), []byte{0xCD, 0x80})
	for reg, v := range map[int]uint64{ax: nr, bx: addr, cx: size, dx: 3, si: 0x32, di: 0xFFFF_FFFF, bp: 0} {
		r.set(reg, v)
	}
	tk.setRegs(t, r)
	check(t, syscall.PtraceSingleStep(tk.pid))
	tk.wait(t)
	if got := tk.regs(t).get(ax); uint32(got) != uint32(addr) {
		t.Fatalf("mapping %#x in the task: mmap2 returned %#x", addr, got)
	}
	tk.poke(t, saved.get(ip), orig)
	tk.setRegs(t, saved)
}

// regs holds a task's registers as PTRACE_GETREGSET gives them: Linux's
// i386 user_regs_struct (17 4-byte words) for a 32-bit process, the
// x86-64 one (27 8-byte words) for a 64-bit one.
type regs struct {
	words [27]uint64
	is32  bool
}

// Register names, and where each is in the two layouts.
const (
	ax = iota
	bx
	cx
	dx
	si
	di
	bp
	origAX
	ip
)

var (
	where32 = [...]int{ax: 6, bx: 0, cx: 1, dx: 2, si: 3, di: 4, bp: 5, origAX: 11, ip: 12}
	where64 = [...]int{ax: 10, bx: 5, cx: 11, dx: 12, si: 13, di: 14, bp: 4, origAX: 15, ip: 16}
)

func (r regs) get(reg int) uint64 {
	if r.is32 {
		return uint64((*[54]uint32)(unsafe.Pointer(&r.words))[where32[reg]])
	}
	return r.words[where64[reg]]
}

func (r *regs) set(reg int, v uint64) {
	if r.is32 {
		(*[54]uint32)(unsafe.Pointer(&r.words))[where32[reg]] = uint32(v)
	} else {
		r.words[where64[reg]] = v
	}
}

const ntPrstatus = 1 // the general registers' regset (elf.h)

func (tk *task) regs(t *testing.T) regs {
	var r regs
	iov := syscall.Iovec{Base: (*byte)(unsafe.Pointer(&r.words)), Len: uint64(unsafe.Sizeof(r.words))}
	tk.regset(t, syscall.PTRACE_GETREGSET, &iov)
	r.is32 = iov.Len == 17*4
	return r
}

func (tk *task) setRegs(t *testing.T, r regs) {
	iov := syscall.Iovec{Base: (*byte)(unsafe.Pointer(&r.words)), Len: 27 * 8}
	if r.is32 {
		iov.Len = 17 * 4
	}
	tk.regset(t, syscall.PTRACE_SETREGSET, &iov)
}

func (tk *task) regset(t *testing.T, req int, iov *syscall.Iovec) {
	_, _, e := syscall.Syscall6(syscall.SYS_PTRACE, uintptr(req), uintptr(tk.pid), ntPrstatus, uintptr(unsafe.Pointer(iov)), 0, 0)
	if e != 0 {
		t.Fatalf("ptrace(%#x): %v", req, e)
	}
}

// poke writes b at addr in the task and returns what was there.
func (tk *task) poke(t *testing.T, addr uint64, b []byte) []byte {
	old := make([]byte, len(b))
	_, err := syscall.PtracePeekText(tk.pid, uintptr(addr), old)
	check(t, err)
	_, err = syscall.PtracePokeText(tk.pid, uintptr(addr), b)
	check(t, err)
	tk.saved[addr] = old
	return old
}

func (tk *task) restore(t *testing.T, addr uint64) { tk.poke(t, addr, tk.saved[addr]) }

func (tk *task) wait(t *testing.T) syscall.WaitStatus {
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(tk.pid, &ws, 0, nil); err != nil {
		t.Fatal(err)
	}
	return ws
}

// peek reads n bytes of the task's memory.
func (tk *task) peek(t *testing.T, addr uint64, n int) []byte {
	b := make([]byte, n)
	_, err := syscall.PtracePeekData(tk.pid, uintptr(addr), b)
	check(t, err)
	return b
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// builtPrograms holds the programs of one architecture: the minimal executables
// the initramfs holds (run here) and, for their symbols, the linked ones.
type builtPrograms struct {
	run    map[string]string // program -> its minimal executable
	linked map[string]string // program -> the linked executable it was cut from
}

// buildAll builds every program for arch and writes each minimal
// executable to a file of its own.
func buildAll(t *testing.T, arch string) builtPrograms {
	if testing.Short() {
		t.Skip("builds the user programs")
	}
	dir := t.TempDir()
	ps := builtPrograms{run: map[string]string{}, linked: map[string]string{}}
	for _, prog := range wantPrograms {
		b, err := build("go", root, prog, arch, filepath.Join(dir, prog+".linked"))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, prog)
		if err := os.WriteFile(path, b.image, 0o755); err != nil {
			t.Fatal(err)
		}
		ps.run[prog], ps.linked[prog] = path, b.linked
	}
	return ps
}

// symbol returns the address of the assembly function name in the linked
// executable path (the minimal one keeps its addresses; the linker calls
// it name.abi0 where Go's register ABI is in use, on amd64).
func symbol(t *testing.T, path, name string) uint64 {
	f, err := elf.Open(path)
	check(t, err)
	defer f.Close()
	syms, err := f.Symbols()
	check(t, err)
	for _, s := range syms {
		if s.Name == name || s.Name == name+".abi0" {
			return s.Value
		}
	}
	t.Fatalf("%s: no symbol %s", path, name)
	return 0
}

func TestEmulated(t *testing.T) {
	for _, arch := range []string{"386", "amd64"} {
		t.Run(arch, func(t *testing.T) {
			ps := buildAll(t, arch)
			paths := ps.run

			t.Run("hello", func(t *testing.T) {
				tk := emulate(t, paths["hello"], nil, 0, nil)
				if got := tk.out.String(); got != "hello from user task 3\n" || tk.exit != 0 || tk.yields != 3 {
					t.Errorf("output %q, exit %d, %d yields; want the greeting, exit 0, 3 yields", got, tk.exit, tk.yields)
				}
			})

			t.Run("badptr", func(t *testing.T) {
				tk := emulate(t, paths["badptr"], nil, 0, nil)
				want := "badptr: write(kernel addr) = -14\n" +
					"badptr: write(unmapped addr) = -14\n" +
					"badptr: write(huge length) = -22\n" +
					"badptr: write(straddling VMA end) = -14\n"
				if got := tk.out.String(); got != want || tk.exit != 0 {
					t.Errorf("output:\n%s(exit %d); want:\n%s(exit 0)", got, tk.exit, want)
				}
			})

			for _, prog := range []string{"priv", "kread"} {
				t.Run(prog, func(t *testing.T) {
					tk := emulate(t, paths[prog], nil, 0, nil)
					if tk.signal != syscall.SIGSEGV || !strings.HasSuffix(tk.out.String(), "(the kernel must kill this task)\n") {
						t.Errorf("output %q, signal %v, exit %d; want one line, then SIGSEGV", tk.out.String(), tk.signal, tk.exit)
					}
				})
			}

			sig := uint32(0x5A5A0000 | taskID)
			t.Run("worker", func(t *testing.T) {
				// At its third yield, every page holds its signature.
				tk := emulate(t, paths["worker"], func(tk *task) bool {
					if tk.yields < 3 {
						return false
					}
					for _, va := range []uint64{privateVA, privateVA + privateSize - 4, sharedVA, sharedVA + pageSize - 4} {
						if got := binary.LittleEndian.Uint32(tk.peek(t, va, 4)); got != sig {
							t.Errorf("word at %#x is %#x, want the signature %#x", va, got, sig)
						}
					}
					return true
				}, 0, nil)
				if len(tk.reports) != 0 || tk.exit != -1 {
					t.Errorf("reports %v, exit %d; want none, still running", tk.reports, tk.exit)
				}
			})

			// The race, staged: just before the worker checks its pages, the
			// shared page suddenly holds another task's signature (as on a
			// stale CR3). It must report it and exit 2.
			t.Run("worker sees a foreign signature", func(t *testing.T) {
				foreign := uint32(0x5A5A0007)
				at := uint64(sharedVA + 0x123*4)
				tk := emulate(t, paths["worker"], nil, symbol(t, ps.linked["worker"], "main.check"), func(tk *task) {
					var b [4]byte
					binary.LittleEndian.PutUint32(b[:], foreign)
					_, err := syscall.PtracePokeData(tk.pid, uintptr(at), b[:])
					check(t, err)
				})
				want := fmt.Sprint([][3]uint64{{1, at, uint64(foreign)}})
				if got := fmt.Sprint(tk.reports); got != want || tk.exit != 2 {
					t.Errorf("reports %s, exit %d; want %s, exit 2", got, tk.exit, want)
				}
			})
		})
	}
}
