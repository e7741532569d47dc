package persistence

import (
	"fmt"
	"slices"
	"strings"
)

// model is a tiny keyspace for recovery tests: keys hold lists of strings.
// RPUSH appends, SET replaces, DEL removes. A record applied twice or
// skipped shows up as a wrong list.
type model struct {
	keys map[string][]string
}

func newModel() *model { return &model{keys: map[string][]string{}} }

func (m *model) LoadEntry(e Entry) error {
	if e.Type != 1 {
		return fmt.Errorf("unknown type %d", e.Type)
	}
	if _, dup := m.keys[string(e.Key)]; dup {
		return fmt.Errorf("duplicate key %q", e.Key)
	}
	m.keys[string(e.Key)] = strings.Split(string(e.Value), ",")
	return nil
}

func (m *model) Apply(argv [][]byte) error {
	cmd := strings.ToUpper(string(argv[0]))
	switch {
	case cmd == "RPUSH" && len(argv) >= 3:
		k := string(argv[1])
		for _, v := range argv[2:] {
			m.keys[k] = append(m.keys[k], string(v))
		}
	case cmd == "SET" && len(argv) == 3:
		m.keys[string(argv[1])] = []string{string(argv[2])}
	case cmd == "DEL" && len(argv) == 2:
		delete(m.keys, string(argv[1]))
	default:
		return fmt.Errorf("unknown command %q", argv)
	}
	return nil
}

// source captures the state now, as a copy-on-write view would, and
// returns it as an EntrySource.
func (m *model) source() EntrySource {
	keys := make([]string, 0, len(m.keys))
	vals := map[string]string{}
	for k, v := range m.keys {
		keys = append(keys, k)
		vals[k] = strings.Join(v, ",")
	}
	slices.Sort(keys)
	return func(add func(Entry) error) error {
		for _, k := range keys {
			if err := add(Entry{Type: 1, Key: []byte(k), Value: []byte(vals[k])}); err != nil {
				return err
			}
		}
		return nil
	}
}

func (m *model) String() string {
	keys := make([]string, 0, len(m.keys))
	for k := range m.keys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%v;", k, m.keys[k])
	}
	return b.String()
}

func argv(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, a := range s {
		out[i] = []byte(a)
	}
	return out
}
