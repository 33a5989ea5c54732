package main

import (
	"strings"
	"testing"

	"tlbrace/kernel/cmdline"
)

// Every scenario row's command line is one the kernel accepts (no option
// that means nothing with the others), in each mode it runs in.
func TestScenarioArgsParse(t *testing.T) {
	for _, name := range scenarioModes {
		found := false
		for _, m := range modes {
			if m.name != name {
				continue
			}
			found = true
			for _, c := range scenarioCases {
				args := scenarioArgs(m, c, 1, 1)
				if m.stress {
					args = append([]string{"workload=stress"}, args...) // what qemu.sh stress adds
				}
				if _, err := cmdline.Parse("kernel " + strings.Join(args, " ")); err != nil {
					var buf [512]byte
					t.Errorf("%s %s: %q: %s", c.label, name, args, buf[:err.Message(buf[:])])
				}
			}
		}
		if !found {
			t.Errorf("scenario mode %q is not one of the bench's modes", name)
		}
	}
}
