package stress

import "tlbrace/kernel/mm"

// believedName names what the switch-time CR3 check compares with.
func believedName() string {
	if mm.Selected == mm.Modern {
		return "loaded_mm"
	}
	return "active_mm"
}
