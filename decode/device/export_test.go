package device

// SetGatherRuns turns the gathering of skipped body bytes on or off for a
// test and returns a function that restores it.
func SetGatherRuns(on bool) (restore func()) {
	old := gatherRuns
	gatherRuns = on
	return func() { gatherRuns = old }
}
