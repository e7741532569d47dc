//go:build !linux

package server

import (
	"syscall"
	"time"
)

// Without epoll, connections read on their own: commands from different
// connections run in the order the scheduler wakes them.
type gate struct{}

func newGate() *gate                                  { return nil }
func (g *gate) add(c *conn, raw syscall.RawConn) bool { return false }
func (g *gate) remove(id uint64)                      {}
func (g *gate) close()                                {}
func (g *gate) run()                                  {}

const gatePending = 2

type rawReader struct{}

func newRawReader(raw syscall.RawConn) *rawReader                     { return nil }
func (r *rawReader) Read(p []byte) (int, error)                       { return 0, nil }
func (r *rawReader) TryWrite(p []byte) (int, error)                   { return 0, nil }
func (c *conn) waitTurn(timeout <-chan time.Time) (ok, timedOut bool) { return false, false }
func (c *conn) waitLong()                                             {}
func (c *conn) endTurn()                                              {}
