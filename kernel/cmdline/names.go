package cmdline

// ValueName returns how the command line spells the value o holds for
// the enum or on/off option called name ("nil" for fault=nil), or "" for
// any other option.
func (o *Options) ValueName(name string) string {
	i := lookup(name)
	if i < 0 {
		return ""
	}
	e := &table[i]
	names := e.names()
	if v := e.get(o); names != nil && v < uint64(len(names)) {
		return names[v]
	}
	return ""
}
