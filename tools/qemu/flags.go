// flags: turning a Config whose paths are already resolved into qemu.sh flags.
package qemu

import "strconv"

// scriptFlags returns the qemu.sh arguments for c, in qemu.sh's documented
// order: -a, -k, -i, -m, --cpu, --smp, --icount/--shift, --record/--replay, -q..., -- words.
// An empty c.Kernel omits -k (qemu.sh then uses build/ARCH/kernel.elf).
func scriptFlags(c Config) []string {
	var f []string
	if c.Stress {
		f = append(f, "stress") // qemu.sh's stress mode: icount + the stress workload's words
	}
	f = append(f, "-a", c.Arch)
	if c.Kernel != "" {
		f = append(f, "-k", c.Kernel)
	}
	if c.Initrd != "" {
		f = append(f, "-i", c.Initrd)
	}
	if c.Mem != "" {
		f = append(f, "-m", c.Mem)
	}
	if c.CPU != "" {
		f = append(f, "--cpu", c.CPU)
	}
	if c.SMP > 0 {
		f = append(f, "--smp", strconv.Itoa(c.SMP))
	}
	switch {
	case c.Shift == ShiftZero:
		f = append(f, "--shift", "0")
	case c.Shift == ShiftAuto:
		f = append(f, "--shift", "auto")
	case c.Shift > 0:
		f = append(f, "--shift", strconv.Itoa(c.Shift))
	case c.Icount:
		f = append(f, "--icount")
	}
	if c.Record != "" {
		f = append(f, "--record", c.Record)
	}
	if c.Replay != "" {
		f = append(f, "--replay", c.Replay)
	}
	for _, a := range c.QEMUArgs {
		f = append(f, "-q", a)
	}
	if len(c.Args) > 0 {
		f = append(f, "--")
		f = append(f, c.Args...)
	}
	return f
}
