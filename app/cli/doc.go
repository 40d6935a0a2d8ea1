// Package cli holds thingsniff's headless commands (packets, flows, and
// the others listed in Commands). They share the session's code paths and
// print text for people or, with --json, one JSON object per line.
package cli
