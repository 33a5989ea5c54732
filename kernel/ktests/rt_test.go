package ktests

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestSymbolizeLine: the kernel test rt.symbolize expects symbolizeLine
// for testSymbolize's entry. The host compiler's line table for the same
// source must agree, or the constant has rotted.
func TestSymbolizeLine(t *testing.T) {
	f := runtime.FuncForPC(reflect.ValueOf(testSymbolize).Pointer())
	file, line := f.FileLine(f.Entry())
	if !strings.HasSuffix(file, "kernel/ktests/rt.go") || line != symbolizeLine {
		t.Errorf("testSymbolize starts at %s:%d; symbolizeLine says rt.go:%d", file, line, symbolizeLine)
	}
	if f.Name() != "tlbrace/kernel/ktests.testSymbolize" {
		t.Errorf("name %q", f.Name())
	}
}
