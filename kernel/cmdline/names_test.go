package cmdline

import "testing"

func TestValueName(t *testing.T) {
	o, err := Parse(image + "fault=gpf churn flush=racy hz=100")
	if err != nil {
		t.Fatal(message(err))
	}
	for name, want := range map[string]string{"fault": "gpf", "churn": "on", "flush": "racy", "checkcr3": "off",
		"hz": "", "test": "", "nope": ""} {
		if got := o.ValueName(name); got != want {
			t.Errorf("ValueName(%q) = %q, want %q", name, got, want)
		}
	}
}
