package keyspace

// Entries and their keys share one allocation: a key of up to 80 bytes is
// stored right after the 48-byte Entry and Entry.Key points at it. That
// costs the same bytes as a separate string in nearly every size class
// (48+16 = 64, 48+32 = 80 …), saves an allocation per key, and puts the
// key in the cache line a lookup reads anyway to compare it. The bytes are
// written once, before Key is set, and never change (Key is a string).

import "unsafe"

// Entry is one key of a keyspace.
type Entry struct {
	Key   string
	Value Value
	// Expire is the absolute expiry time in Unix milliseconds, 0 for none.
	Expire int64
	// Access is the LRU clock (seconds) or, under an LFU policy, the
	// LFU counter and decay time, as Redis keeps them in robj.lru.
	Access uint32
	// idx is the entry's position in DB.keys, which is also what the key
	// index and the TTL index hold for it; the memory charge, the snapshot
	// mark and the TTL index live with the keyspace, keeping Entry in the
	// 48-byte size class.
	idx int32
}

// entryBytes is unsafe.Sizeof(Entry{}).
const entryBytes = 48

// Entries with room for their key.
type (
	entry16 struct {
		Entry
		k [16]byte
	}
	entry32 struct {
		Entry
		k [32]byte
	}
	entry48 struct {
		Entry
		k [48]byte
	}
	entry64 struct {
		Entry
		k [64]byte
	}
	entry80 struct {
		Entry
		k [80]byte
	}
)

// maxInlineKey is the longest key stored inside its entry's allocation.
const maxInlineKey = 80

// newEntry allocates an entry holding a copy of key.
func newEntry[K ~string | ~[]byte](key K) *Entry {
	n := len(key)
	var e *Entry
	var buf []byte
	switch {
	case n == 0:
		return &Entry{}
	case n <= 16:
		x := new(entry16)
		e, buf = &x.Entry, x.k[:]
	case n <= 32:
		x := new(entry32)
		e, buf = &x.Entry, x.k[:]
	case n <= 48:
		x := new(entry48)
		e, buf = &x.Entry, x.k[:]
	case n <= 64:
		x := new(entry64)
		e, buf = &x.Entry, x.k[:]
	case n <= maxInlineKey:
		x := new(entry80)
		e, buf = &x.Entry, x.k[:]
	default:
		return &Entry{Key: string(key)}
	}
	copy(buf, key)
	e.Key = unsafe.String(&buf[0], n)
	return e
}

// entryAlloc is the allocation behind an entry whose key is n bytes.
func entryAlloc(n int) int64 {
	switch {
	case n == 0:
		return entryBytes
	case n <= maxInlineKey:
		return AllocSize(entryBytes + (n+15)&^15)
	}
	return entryBytes + AllocSize(n)
}
