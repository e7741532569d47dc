package keyspace

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchDB is a keyspace of n string keys key:00000000 … with 10-byte
// values, as scripts/bench-memory loads, and the keys in random order.
func benchDB(n int) (*DB, [][]byte) {
	db := NewStore(1).Numbered(0)
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key:%08d", i))
		db.SetString(keys[i], []byte("0123456789"), false)
	}
	rand.Shuffle(n, func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	return db, keys
}

// Lookups of present keys in a 1,000,000-key keyspace in random order:
// cache misses on the index, the key list and the entry dominate.
func BenchmarkDBLookup(b *testing.B) {
	db, keys := benchDB(1000000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if db.Lookup(keys[i%len(keys)], 0) == nil {
			b.Fatal("missing")
		}
	}
}

// Deleting a random key and adding a new one in a 1,000,000-key keyspace,
// as SETs at maxmemory do (each evicts a key): every deletion moves the
// last entry of the key list, and its index slot with it.
func BenchmarkDBChurn(b *testing.B) {
	db, keys := benchDB(1000000)
	fresh := make([]byte, 0, 16)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		if !db.Delete(k, 0) {
			b.Fatal("missing")
		}
		fresh = append(fresh[:0], k...)
		fresh[0] = 'n' // nkey:…, then back to key:… on the next round
		if k[0] == 'n' {
			fresh[0] = 'k'
		}
		db.SetString(fresh, []byte("0123456789"), false)
		keys[i%len(keys)] = append(k[:0], fresh...)
	}
}

// SET over present keys of a 1,000,000-key keyspace in random order (the
// value is overwritten in place and re-charged).
func BenchmarkDBSetExisting(b *testing.B) {
	db, keys := benchDB(1000000)
	val := []byte("9876543210")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db.SetString(keys[i%len(keys)], val, false)
	}
}

// The same over a 1,000-key keyspace, which stays in cache: the cost of
// the code rather than of memory.
func BenchmarkDBLookupHot(b *testing.B) {
	db, keys := benchDB(1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if db.Lookup(keys[i%len(keys)], 0) == nil {
			b.Fatal("missing")
		}
	}
}

func BenchmarkDBSetExistingHot(b *testing.B) {
	db, keys := benchDB(1000)
	val := []byte("9876543210")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db.SetString(keys[i%len(keys)], val, false)
	}
}
