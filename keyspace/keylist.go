package keyspace

// keyList is a keyspace's dense list of entries with their memory charges
// (what each is charged in the account, in memUnit units), kept in chunks
// of 8192 rather than one slice: growing never copies the list (a slice
// leaves its old array behind as garbage at every growth, megabytes at a
// million keys) and at most one chunk is unused. The first chunk grows by
// doubling, so small keyspaces stay small. Chunks are kept when emptied
// (as a slice keeps its capacity), so a keyspace hovering at a chunk
// boundary does not allocate.

const (
	// 8192 pointers are 64 KiB, a large object with no allocation header
	// (1024 would take 9472 bytes, not 8192: see allocSizePointers).
	chunkBits = 13
	chunkSize = 1 << chunkBits
	chunkMask = chunkSize - 1
	// keyChunkHeader is a chunk's entry in the chunk list.
	keyChunkHeader = 48
)

type keyChunk struct {
	ents    []*Entry
	charges []uint32
}

type keyList struct {
	chunks []keyChunk
	n      int
	alloc  int64 // bytes allocated for the chunks and the chunk list
}

func (l *keyList) Len() int { return l.n }

func (l *keyList) at(i int) *Entry { return l.chunks[i>>chunkBits].ents[i&chunkMask] }

// charge is where keys[i]'s charge is kept.
func (l *keyList) charge(i int) *uint32 { return &l.chunks[i>>chunkBits].charges[i&chunkMask] }

// push appends e with a zero charge and sets its position.
func (l *keyList) push(e *Entry) {
	i := l.n
	c := i >> chunkBits
	if c == len(l.chunks) {
		size := chunkSize
		if c == 0 {
			size = 8
		}
		before := cap(l.chunks)
		l.chunks = append(l.chunks, keyChunk{})
		l.alloc += allocSizePointers(cap(l.chunks)*keyChunkHeader) - allocSizePointers(before*keyChunkHeader)
		l.resize(c, size)
	} else if k := &l.chunks[c]; i&chunkMask == len(k.ents) {
		l.resize(c, min(2*len(k.ents), chunkSize))
	}
	e.idx = int32(i)
	l.chunks[c].ents[i&chunkMask] = e
	l.chunks[c].charges[i&chunkMask] = 0
	l.n++
}

// resize gives chunk c room for size entries (only the first chunk ever
// grows after it is made).
func (l *keyList) resize(c, size int) {
	k := &l.chunks[c]
	l.alloc -= allocSizePointers(8*len(k.ents)) + AllocSize(4*len(k.charges))
	ents, charges := make([]*Entry, size), make([]uint32, size)
	copy(ents, k.ents)
	copy(charges, k.charges)
	k.ents, k.charges = ents, charges
	l.alloc += allocSizePointers(8*size) + AllocSize(4*size)
}

// swapRemove removes keys[i], moving the last entry, with its charge,
// into its place.
func (l *keyList) swapRemove(i int) {
	n := l.n - 1
	last := l.at(n)
	l.chunks[i>>chunkBits].ents[i&chunkMask] = last
	*l.charge(i) = *l.charge(n)
	last.idx = int32(i)
	l.chunks[n>>chunkBits].ents[n&chunkMask] = nil
	l.n = n
}

// each calls fn for entries from start on until it returns false.
func (l *keyList) each(fn func(e *Entry) bool) {
	for i := 0; i < l.n; i++ {
		if !fn(l.at(i)) {
			return
		}
	}
}

// bytes is what the list holds.
func (l *keyList) bytes() int64 { return l.alloc }
