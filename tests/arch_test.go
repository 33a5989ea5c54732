package tests

import (
	"testing"
	"time"

	"tlbrace/tools/qemu"
)

var arches = []string{"386", "amd64"}

// boot runs one kernel with the given command-line words.
func boot(t *testing.T, arch string, timeout time.Duration, args ...string) *qemu.Result {
	t.Helper()
	return qemu.RunT(t, qemu.Config{Arch: arch, Args: args, Timeout: timeout})
}

// forArch runs fn as a parallel subtest per architecture.
func forArch(t *testing.T, fn func(t *testing.T, arch string)) {
	for _, arch := range arches {
		t.Run(arch, func(t *testing.T) {
			t.Parallel()
			fn(t, arch)
		})
	}
}
