package keyspace

import (
	"unsafe"

	"sundial/keyspace/stream"
)

// Stream is a stream value: entries in ID order with consumer groups and
// their pending entries lists (package stream). Redis has a single stream
// encoding, and OBJECT ENCODING says "stream".
type Stream struct {
	*stream.Stream
}

// NewStream returns an empty stream value.
func NewStream() *Stream { return &Stream{Stream: stream.New()} }

func (s *Stream) Kind() Kind { return KindStream }

// Encoding is "stream", Redis's only stream encoding.
func (s *Stream) Encoding() string { return "stream" }

func (s *Stream) Clone() Value { return &Stream{Stream: s.Stream.Clone()} }

func (s *Stream) MemoryUsage() int { return int(unsafe.Sizeof(*s)) + s.Stream.MemoryUsage() }

// AppendBinary writes the stream's own binary form (stream.AppendBinary):
// entries with their tombstones, the counters, groups, consumers and PELs.
func (s *Stream) AppendBinary(b []byte) []byte { return s.Stream.AppendBinary(b) }

func decodeStream(b []byte) (Value, error) {
	st, err := stream.Decode(b)
	if err != nil {
		return nil, ErrCorruptValue
	}
	return &Stream{Stream: st}, nil
}

func init() { RegisterDecoder(KindStream, decodeStream) }
