// Package apptest holds what the tests of app and of the window (ui)
// share.
package apptest

import "sync"

// Queue is the tests' Dispatch: it holds the work a worker hands to the
// UI goroutine until the test goroutine, standing in for the UI
// goroutine, runs it. The row source's tests and the window's share it.
type Queue struct {
	mu  sync.Mutex
	fns []func()
}

// Dispatch queues f; it may be called from any goroutine.
func (q *Queue) Dispatch(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
}

// Len is the number of functions waiting.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.fns)
}

// Step runs the oldest queued function, reporting whether there was one.
func (q *Queue) Step() bool {
	q.mu.Lock()
	if len(q.fns) == 0 {
		q.mu.Unlock()
		return false
	}
	f := q.fns[0]
	q.fns = q.fns[1:]
	q.mu.Unlock()
	f()
	return true
}

// Drain runs the queued functions in order, and those they queue, until
// none is left.
func (q *Queue) Drain() {
	for q.Step() {
	}
}
