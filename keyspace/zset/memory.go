package zset

import "unsafe"

// MemoryUsage returns an estimate of the bytes the set holds: its nodes,
// member strings and map, rounded up to the Go allocator's size classes.
// O(1): node sizes are counted as nodes come and go.
func (z *ZSet) MemoryUsage() int {
	head := int(unsafe.Sizeof(*z)) + nodeSize(z.headCap)
	return head + z.nodeBytes + mapSize(z.peak)
}

// footprint is what one member costs outside the map.
func footprint(x *node) int {
	return nodeSize(x.height) + allocSize(len(x.member))
}

func nodeSize(lv int) int {
	_, room := roomFor(lv)
	return allocSize(int(unsafe.Sizeof(node{})) + (room-1)*int(unsafe.Sizeof(level{})))
}

// mapSize estimates a map[string]*node of n entries: Go's maps keep
// 8-slot groups of key, value and a control byte, at most 7/8 full, in
// power-of-two tables.
func mapSize(n int) int {
	const slotBytes = 16 + 8 + 1
	slots := 8
	for slots*7/8 < n {
		slots *= 2
	}
	return 48 + slots*slotBytes
}

// sizeClasses are the Go allocator's small object sizes; larger objects
// take whole 8 KiB pages.
var sizeClasses = [...]int{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
	240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768,
	896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200,
	3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576,
	27264, 28672, 32768,
}

func allocSize(n int) int {
	if n <= 0 {
		return 0
	}
	if n > sizeClasses[len(sizeClasses)-1] {
		return (n + 8191) &^ 8191
	}
	lo, hi := 0, len(sizeClasses)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if sizeClasses[mid] < n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return sizeClasses[lo]
}
