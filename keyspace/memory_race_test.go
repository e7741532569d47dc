//go:build race

package keyspace

// raceEnabled: the race detector changes small allocations (no tiny
// allocator), so byte-exact memory models are not checked under it.
const raceEnabled = true
