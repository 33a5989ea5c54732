// grubcfg.go: the boot menu. menu() lists the entries (their order is what
// -default counts from), grubConfig() writes them as GRUB's grub.cfg.
//
// GRUB's menu is drawn on the PC console (VGA text), which the harness never
// reads; COM1 is left to the kernel unless -serial-menu asks GRUB to share it
// for interactive use (see serialLines).
package main

import (
	"fmt"
	"strconv"
	"strings"
)

// arches are the two kernels on the image, in menu order.
var arches = []string{"amd64", "386"}

// The race reproducer (kernel/stress: two user tasks in their own address
// spaces, four lazy-TLB kernel threads flushing the TLB, a shuffled
// scheduler) in its two modes. A GRUB image is booted the way a user
// boots a disk: real hardware, or QEMU without -icount. There the timer
// practically never lands between the flush's two instructions
// (window_hits=0: README "What was measured"), so the natural mode shows
// the race only on real hardware or under QEMU -icount; the injected mode
// (kernel/inject: a debug-register breakpoint on the flush's CR3 write,
// preempting there with probability inject=50%) shows it on any x86 within
// a fraction of a second, and is the default.
const (
	// reproducerWords are common to both modes (the README's stress run).
	reproducerWords = "workload=stress sched=shuffle lockup=8 users=2 kthreads=4"
	// injectedWords: breakpoint injection at a 1 kHz tick, as tests/inject_test.go
	// and tools/stressbench's inject-tcg mode run it.
	injectedWords = reproducerWords + " hz=1000 inject=50"
	// naturalWords: only the 10 kHz timer, as `./qemu.sh stress` runs it.
	naturalWords = reproducerWords + " hz=10000"
)

// Mode names in the menu titles, so a user picks the right one.
const (
	injectedMode = "injected: any x86"
	naturalMode  = "natural: needs real hardware or QEMU -icount"
)

// defaultEntry is the entry booted unless -default says otherwise: the
// injected racy run, which shows the race on any machine.
const defaultEntry = "amd64-inject-racy"

// entry is one menu entry: a kernel, its command-line words, its initramfs.
type entry struct {
	ID    string // GRUB's --id, also accepted by -default
	Title string
	Arch  string // 386 or amd64: picks /boot/<arch>/...
	Words string // kernel command line after the image path
}

// menu returns every entry: for each arch the injected reproducer with the
// racy and the fixed flush, then the natural one, then the in-kernel
// tests, then the demo.
func menu() []entry {
	var es []entry
	for _, m := range []struct{ id, words, mode string }{
		{"inject", injectedWords, injectedMode},
		{"stress", naturalWords, naturalMode},
	} {
		for _, a := range arches {
			for _, v := range []string{"racy", "fixed"} {
				es = append(es, entry{a + "-" + m.id + "-" + v,
					a + ": race reproducer, flush=" + v + " (" + m.mode + ")", a, m.words + " flush=" + v})
			}
		}
	}
	for _, a := range arches {
		es = append(es, entry{a + "-test", a + ": in-kernel tests (test=all)", a, "test=all"})
	}
	for _, a := range arches {
		es = append(es, entry{a + "-demo", a + ": demo", a, "workload=demo"})
	}
	return es
}

// pickDefault resolves -default: a menu index or an entry ID.
func pickDefault(es []entry, s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n >= len(es) {
			return 0, fmt.Errorf("-default %d: the menu has entries 0..%d", n, len(es)-1)
		}
		return n, nil
	}
	for i, e := range es {
		if e.ID == s {
			return i, nil
		}
	}
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = fmt.Sprintf("%d=%s", i, e.ID)
	}
	return 0, fmt.Errorf("-default %q: no such entry (valid: %s)", s, strings.Join(ids, " "))
}

// grubConfig renders grub.cfg. def is the entry booted after timeout
// seconds; serialMenu also draws the menu on COM1 (interactive use only).
func grubConfig(es []entry, def, timeout int, serialMenu bool) string {
	var b strings.Builder
	b.WriteString("# grub.cfg for tlbrace, written by tools/mkimage. Entries count from 0.\n")
	fmt.Fprintf(&b, "set default=%d\nset timeout=%d\n", def, timeout)
	b.WriteString(serialLines(serialMenu))
	for i, e := range es {
		fmt.Fprintf(&b, "\n# %d\nmenuentry '%s' --id %s {\n", i, e.Title, e.ID)
		fmt.Fprintf(&b, "\tmultiboot %s\n", multibootArgs(e))
		fmt.Fprintf(&b, "\tmodule /boot/%s/initrd.cpio\n}\n", e.Arch)
	}
	return b.String()
}

// multibootArgs is what follows `multiboot` for e: the kernel file, then
// the command line. GRUB 2 passes only the words AFTER the file name as the
// Multiboot command line (measured: GRUB 2.06 gave "test=all"), while
// QEMU's -kernel passes "<path> <-append words>", and the kernel's parser
// (kernel/cmdline.Parse) skips the first word as the image path. So the
// path is repeated as the first word: both boot paths then hand the
// kernel the same shape, "/boot/<arch>/kernel.elf words...".
func multibootArgs(e entry) string {
	k := "/boot/" + e.Arch + "/kernel.elf"
	return k + " " + k + " " + e.Words
}

// serialLines keeps COM1 for the kernel. By default GRUB never touches the
// UART: its menu and messages go to the console only, so `-serial stdio`
// shows nothing but the kernel. With serialMenu, GRUB also reads keys from
// and draws its menu on COM1 (vt100 escape sequences, for a person at a
// terminal; `make qemu-image`), and the kernel's lines follow it there.
func serialLines(serialMenu bool) string {
	if !serialMenu {
		return "terminal_input console\nterminal_output console\n"
	}
	return "serial --unit=0 --speed=115200\n" +
		"terminfo -g 80x24 serial vt100\n" +
		"terminal_input console serial\nterminal_output console serial\n"
}
