// Package loadtest offers live capture a known load: UDP datagrams sent
// from a network namespace at rising rates, and a table of what a capture
// saw of them. Tests and `make bench` use it; the program does not link
// it.
package loadtest
