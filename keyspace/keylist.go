package keyspace

// keyList is a keyspace's dense list of entries with their memory charges
// (what each is charged in the account, in memUnit units). Entries and
// charges are interleaved, five of each to a 64-byte block: a lookup
// reaches an entry through the list (the key index holds positions), and
// the charge it then updates (SET) or refunds (DEL) is in the cache line
// already read. That costs 12.8 bytes a key where separate arrays cost 12.
//
// Blocks are kept in chunks of 1024 (64 KiB) rather than one slice:
// growing never copies the list (a slice leaves its old array behind as
// garbage at every growth, megabytes at a million keys) and at most one
// chunk is unused. The first chunk grows by doubling, so small keyspaces
// stay small. Chunks are kept when emptied (as a slice keeps its
// capacity), so a keyspace hovering at a chunk boundary does not allocate.

const (
	blockEntries = 5
	// 1024 blocks are 64 KiB, a large object with no allocation header.
	chunkBits   = 10
	chunkBlocks = 1 << chunkBits
	chunkSize   = blockEntries * chunkBlocks
	// keyChunkHeader is a chunk's entry in the chunk list.
	keyChunkHeader = 24
	// keyBlockBytes is unsafe.Sizeof(keyBlock{}).
	keyBlockBytes = 64
)

type keyBlock struct {
	ents    [blockEntries]*Entry
	charges [blockEntries]uint32
	_       uint32
}

type keyList struct {
	chunks [][]keyBlock
	n      int
	alloc  int64 // bytes allocated for the chunks and the chunk list
}

func (l *keyList) Len() int { return l.n }

// block returns the block holding position i and i's place in it.
func (l *keyList) block(i int) (*keyBlock, int) {
	u := uint(i)
	b := u / blockEntries
	return &l.chunks[b>>chunkBits][b&(chunkBlocks-1)], int(u - b*blockEntries)
}

func (l *keyList) at(i int) *Entry {
	b, j := l.block(i)
	return b.ents[j]
}

// charge is where keys[i]'s charge is kept.
func (l *keyList) charge(i int) *uint32 {
	b, j := l.block(i)
	return &b.charges[j]
}

// push appends e with a zero charge and sets its position.
func (l *keyList) push(e *Entry) {
	i := l.n
	c := i / chunkSize
	if c == len(l.chunks) {
		size := chunkBlocks
		if c == 0 {
			size = 1
		}
		before := cap(l.chunks)
		l.chunks = append(l.chunks, nil)
		l.alloc += allocSizePointers(cap(l.chunks)*keyChunkHeader) - allocSizePointers(before*keyChunkHeader)
		l.resize(c, size)
	} else if k := l.chunks[c]; i%chunkSize == len(k)*blockEntries {
		l.resize(c, min(2*len(k), chunkBlocks))
	}
	e.idx = int32(i)
	b, j := l.block(i)
	b.ents[j], b.charges[j] = e, 0
	l.n++
}

// resize gives chunk c room for size blocks (only the first chunk ever
// grows after it is made).
func (l *keyList) resize(c, size int) {
	old := l.chunks[c]
	l.alloc -= allocSizePointers(keyBlockBytes * len(old))
	l.chunks[c] = make([]keyBlock, size)
	copy(l.chunks[c], old)
	l.alloc += allocSizePointers(keyBlockBytes * size)
}

// swapRemove removes keys[i], moving the last entry, with its charge,
// into its place.
func (l *keyList) swapRemove(i int) {
	n := l.n - 1
	lb, lj := l.block(n)
	last := lb.ents[lj]
	b, j := l.block(i)
	b.ents[j], b.charges[j] = last, lb.charges[lj]
	last.idx = int32(i)
	lb.ents[lj] = nil
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
