// Host tests for the menu: which entries exist and in what order, how
// -default is resolved, the grub.cfg text, and that every entry's command
// line is one the kernel's own parser accepts.
package main

import (
	"os"
	"strings"
	"testing"

	"tlbrace/kernel/cmdline"
)

func TestMenuEntries(t *testing.T) {
	want := []struct{ id, words string }{
		{"amd64-inject-racy", injectedWords + " flush=racy"},
		{"amd64-inject-fixed", injectedWords + " flush=fixed"},
		{"386-inject-racy", injectedWords + " flush=racy"},
		{"386-inject-fixed", injectedWords + " flush=fixed"},
		{"amd64-stress-racy", naturalWords + " flush=racy"},
		{"amd64-stress-fixed", naturalWords + " flush=fixed"},
		{"386-stress-racy", naturalWords + " flush=racy"},
		{"386-stress-fixed", naturalWords + " flush=fixed"},
		{"amd64-test", "test=all"},
		{"386-test", "test=all"},
		{"amd64-demo", "workload=demo"},
		{"386-demo", "workload=demo"},
	}
	es := menu()
	if len(es) != len(want) {
		t.Fatalf("menu has %d entries, want %d", len(es), len(want))
	}
	for i, w := range want {
		e := es[i]
		if e.ID != w.id || e.Words != w.words || !strings.HasPrefix(e.ID, e.Arch+"-") {
			t.Errorf("entry %d = %+v, want id %s words %q", i, e, w.id, w.words)
		}
	}
}

// TestReproducerTitlesNameTheMode: a user picking from the menu must see
// which entries show the race on the machine at hand.
func TestReproducerTitlesNameTheMode(t *testing.T) {
	for _, e := range menu() {
		switch {
		case strings.Contains(e.ID, "-inject-"):
			if !strings.Contains(e.Title, "(injected: any x86)") {
				t.Errorf("%s: title %q does not say it is injected, on any x86", e.ID, e.Title)
			}
		case strings.Contains(e.ID, "-stress-"):
			if !strings.Contains(e.Title, "(natural: needs real hardware or QEMU -icount)") {
				t.Errorf("%s: title %q does not say it needs real hardware or -icount", e.ID, e.Title)
			}
		}
		if strings.Contains(e.Title, "'") {
			t.Errorf("%s: title %q has a quote, which would end GRUB's quoted title", e.ID, e.Title)
		}
	}
}

// TestDefaultEntryInjects: the image's default (mkimage without -default,
// make image without IMAGE_DEFAULT) must show the race where images are
// booted — plain QEMU, no -icount, where the natural mode never hits the
// window — so it is the racy run with breakpoint injection.
func TestDefaultEntryInjects(t *testing.T) {
	es := menu()
	d, err := pickDefault(es, defaultEntry)
	if err != nil {
		t.Fatal(err)
	}
	e := es[d]
	_, seen, _ := strings.Cut(multibootArgs(e), " ")
	o, perr := cmdline.Parse(seen)
	if perr != nil {
		t.Fatalf("%s: kernel rejects %q: %+v", e.ID, seen, *perr)
	}
	if o.Workload != cmdline.WorkloadStress || o.Flush != cmdline.FlushRacy || o.Inject == 0 {
		t.Errorf("default entry %s (%q): workload %d, flush %d, inject %d; want the racy stress run with injection",
			e.ID, e.Words, o.Workload, o.Flush, o.Inject)
	}
	if !strings.Contains(e.Title, injectedMode) {
		t.Errorf("default entry %s: title %q does not name the injected mode", e.ID, e.Title)
	}
	if d != 0 {
		t.Errorf("default entry %s is entry %d: keep it first, where the menu's cursor starts", e.ID, d)
	}
	// make image passes IMAGE_DEFAULT; its default must be the same entry.
	mk, err := os.ReadFile("image.mk")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mk), "\nIMAGE_DEFAULT    ?= "+defaultEntry+"\n") {
		t.Errorf("image.mk does not default IMAGE_DEFAULT to %s", defaultEntry)
	}
	cfg := grubConfig(es, d, 3, false)
	if !strings.Contains(cfg, "set default=0\n") {
		t.Errorf("grub.cfg does not boot entry 0 by default:\n%s", cfg)
	}
}

func TestPickDefault(t *testing.T) {
	es := menu()
	for s, want := range map[string]int{"0": 0, "4": 4, "11": 11, "386-test": 9, "amd64-stress-fixed": 5, "386-inject-racy": 2} {
		if got, err := pickDefault(es, s); err != nil || got != want {
			t.Errorf("pickDefault(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"-1", "12", "amd64", ""} {
		if _, err := pickDefault(es, s); err == nil {
			t.Errorf("pickDefault(%q): no error", s)
		}
	}
}

func TestGrubConfig(t *testing.T) {
	cfg := grubConfig(menu(), 5, 3, false)
	for _, line := range []string{
		"set default=5",
		"set timeout=3",
		"terminal_output console",
		"menuentry 'amd64: race reproducer, flush=racy (injected: any x86)' --id amd64-inject-racy {",
		"\tmultiboot /boot/amd64/kernel.elf /boot/amd64/kernel.elf workload=stress sched=shuffle lockup=8 users=2 kthreads=4 hz=1000 inject=50 flush=racy",
		"menuentry '386: race reproducer, flush=fixed (natural: needs real hardware or QEMU -icount)' --id 386-stress-fixed {",
		"\tmultiboot /boot/386/kernel.elf /boot/386/kernel.elf workload=stress sched=shuffle lockup=8 users=2 kthreads=4 hz=10000 flush=fixed",
		"\tmodule /boot/amd64/initrd.cpio",
		"\tmultiboot /boot/386/kernel.elf /boot/386/kernel.elf test=all",
		"\tmultiboot /boot/amd64/kernel.elf /boot/amd64/kernel.elf workload=demo",
		"\tmodule /boot/386/initrd.cpio",
	} {
		if !strings.Contains(cfg, line+"\n") {
			t.Errorf("grub.cfg lacks line %q:\n%s", line, cfg)
		}
	}
	if n := strings.Count(cfg, "menuentry "); n != len(menu()) {
		t.Errorf("grub.cfg has %d menuentry lines, want %d", n, len(menu()))
	}
	if strings.Count(cfg, "{") != strings.Count(cfg, "}") {
		t.Errorf("unbalanced braces:\n%s", cfg)
	}
	// Without -serial-menu GRUB must leave COM1 to the kernel.
	if strings.Contains(cfg, "serial") {
		t.Errorf("default grub.cfg mentions serial:\n%s", cfg)
	}
	menuCfg := grubConfig(menu(), 0, 10, true)
	for _, line := range []string{"serial --unit=0 --speed=115200", "terminal_output console serial", "terminal_input console serial"} {
		if !strings.Contains(menuCfg, line+"\n") {
			t.Errorf("-serial-menu grub.cfg lacks %q", line)
		}
	}
}

// TestKernelAcceptsEntries parses each entry's command line the way the
// kernel will see it from GRUB (the words after the file name).
func TestKernelAcceptsEntries(t *testing.T) {
	for _, e := range menu() {
		args := multibootArgs(e)
		_, seen, _ := strings.Cut(args, " ") // GRUB drops the file name
		o, err := cmdline.Parse(seen)
		if err != nil {
			t.Errorf("%s: kernel rejects %q: %+v", e.ID, seen, *err)
			continue
		}
		switch {
		case strings.Contains(e.ID, "-inject-"), strings.Contains(e.ID, "-stress-"):
			wantFlush := cmdline.FlushFixed
			if strings.HasSuffix(e.ID, "racy") {
				wantFlush = cmdline.FlushRacy
			}
			wantHZ, wantInject := uint64(10000), uint64(0)
			if strings.Contains(e.ID, "-inject-") {
				wantHZ, wantInject = 1000, 50
			}
			if o.Workload != cmdline.WorkloadStress || o.HZ != wantHZ || o.Sched != cmdline.SchedShuffle || o.Lockup != 8 ||
				o.Users != 2 || o.KThreads != 4 || o.Inject != wantInject || o.Flush != wantFlush {
				t.Errorf("%s: parsed %+v", e.ID, o)
			}
		case strings.HasSuffix(e.ID, "-test"):
			if o.Test != "all" {
				t.Errorf("%s: test=%q, want all", e.ID, o.Test)
			}
		case strings.HasSuffix(e.ID, "-demo"):
			if o.Workload != cmdline.WorkloadDemo {
				t.Errorf("%s: workload %d, want demo", e.ID, o.Workload)
			}
		}
	}
}
