package keyspace

import (
	"unsafe"

	"sundial/keyspace/tau"
)

// Tau is a tau value: a bitemporal schedule of Taus (package tau). It has
// a single encoding, which OBJECT ENCODING reports as "schedule".
type Tau struct {
	*tau.Schedule
}

// NewTau returns an empty tau value.
func NewTau() *Tau { return &Tau{Schedule: tau.New()} }

func (t *Tau) Kind() Kind { return KindTau }

// Encoding is "schedule", the tau type's only encoding.
func (t *Tau) Encoding() string { return "schedule" }

// Clone shares the schedule's full chunks, which never change, and copies
// the rest (tau.Schedule.Clone).
func (t *Tau) Clone() Value { return &Tau{Schedule: t.Schedule.Clone()} }

func (t *Tau) MemoryUsage() int { return int(unsafe.Sizeof(*t)) + t.Schedule.MemoryUsage() }

// AppendBinary writes the schedule's own binary form (tau.AppendBinary):
// every Tau with its tx, valid time, expiry and data, in append order.
func (t *Tau) AppendBinary(b []byte) []byte { return t.Schedule.AppendBinary(b) }

// decodeTau reads what AppendBinary wrote. A schedule without Taus is
// refused: a key never holds an empty value.
func decodeTau(b []byte) (Value, error) {
	s, err := tau.Decode(b)
	if err != nil || s.Len() == 0 {
		return nil, ErrCorruptValue
	}
	return &Tau{Schedule: s}, nil
}

func init() { RegisterDecoder(KindTau, decodeTau) }
