// Host tests for the menu: which entries exist and in what order, how
// -default is resolved, the grub.cfg text, and that every entry's command
// line is one the kernel's own parser accepts.
package main

import (
	"strings"
	"testing"

	"tlbrace/kernel/cmdline"
)

func TestMenuEntries(t *testing.T) {
	want := []struct{ id, words string }{
		{"amd64-stress-racy", stressWords + " flush=racy"},
		{"amd64-stress-fixed", stressWords + " flush=fixed"},
		{"386-stress-racy", stressWords + " flush=racy"},
		{"386-stress-fixed", stressWords + " flush=fixed"},
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

func TestPickDefault(t *testing.T) {
	es := menu()
	for s, want := range map[string]int{"0": 0, "4": 4, "7": 7, "386-test": 5, "amd64-stress-fixed": 1} {
		if got, err := pickDefault(es, s); err != nil || got != want {
			t.Errorf("pickDefault(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"-1", "8", "amd64", ""} {
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
		"menuentry 'amd64: stress, flush=racy' --id amd64-stress-racy {",
		"\tmultiboot /boot/amd64/kernel.elf /boot/amd64/kernel.elf workload=stress hz=10000 sched=shuffle lockup=8 flush=racy",
		"\tmodule /boot/amd64/initrd.cpio",
		"\tmultiboot /boot/386/kernel.elf /boot/386/kernel.elf workload=stress hz=10000 sched=shuffle lockup=8 flush=fixed",
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
		case strings.Contains(e.ID, "stress"):
			wantFlush := cmdline.FlushFixed
			if strings.HasSuffix(e.ID, "racy") {
				wantFlush = cmdline.FlushRacy
			}
			if o.Workload != cmdline.WorkloadStress || o.HZ != 10000 || o.Sched != cmdline.SchedShuffle || o.Lockup != 8 || o.Flush != wantFlush {
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
