package geo

// rangeT is a coordinate range (Redis's GeoHashRange).
type rangeT struct{ min, max float64 }

// The coordinate ranges of stored scores (geohashGetCoordRange).
var (
	wgs84Lon = rangeT{LonMin, LonMax}
	wgs84Lat = rangeT{LatMin, LatMax}
)

// hashBits is a geohash of step bits per coordinate, longitude bits at odd
// positions and latitude bits at even ones (Redis's GeoHashBits).
type hashBits struct {
	bits uint64
	step uint8
}

func (h hashBits) isZero() bool { return h.bits == 0 && h.step == 0 }

// align52 shifts the hash to 52 bits, the form scores use.
func (h hashBits) align52() uint64 { return h.bits << (52 - 2*uint(h.step)) }

// area is a geohash cell and its bounds (Redis's GeoHashArea).
type area struct {
	hash     hashBits
	lon, lat rangeT
}

// interleave spreads the bits of x over the even positions and those of y
// over the odd positions of the result.
func interleave(x, y uint32) uint64 {
	return spread(x) | spread(y)<<1
}

func spread(v uint32) uint64 {
	x := uint64(v)
	x = (x | x<<16) & 0x0000FFFF0000FFFF
	x = (x | x<<8) & 0x00FF00FF00FF00FF
	x = (x | x<<4) & 0x0F0F0F0F0F0F0F0F
	x = (x | x<<2) & 0x3333333333333333
	x = (x | x<<1) & 0x5555555555555555
	return x
}

// deinterleave reverses interleave: the even bits come back in the low
// 32 bits of the result, the odd bits in the high 32.
func deinterleave(v uint64) uint64 {
	return squash(v) | squash(v>>1)<<32
}

func squash(v uint64) uint64 {
	x := v & 0x5555555555555555
	x = (x | x>>1) & 0x3333333333333333
	x = (x | x>>2) & 0x0F0F0F0F0F0F0F0F
	x = (x | x>>4) & 0x00FF00FF00FF00FF
	x = (x | x>>8) & 0x0000FFFF0000FFFF
	x = (x | x>>16) & 0x00000000FFFFFFFF
	return x
}

// encode is Redis's geohashEncode: it fails outside the WGS84 limits (even
// for wider ranges) and outside the given ranges.
func encode(lonR, latR rangeT, lon, lat float64, step uint8) (hashBits, bool) {
	if step > 32 || step == 0 || !ValidLonLat(lon, lat) {
		return hashBits{}, false
	}
	if lat < latR.min || lat > latR.max || lon < lonR.min || lon > lonR.max {
		return hashBits{step: step}, false
	}
	latOff := (lat - latR.min) / (latR.max - latR.min)
	lonOff := (lon - lonR.min) / (lonR.max - lonR.min)
	scale := float64(uint64(1) << step)
	latOff *= scale
	lonOff *= scale
	// C converts the offsets to uint32 by truncation; they lie in [0, 2^step].
	return hashBits{bits: interleave(uint32(latOff), uint32(lonOff)), step: step}, true
}

// decode is Redis's geohashDecode: the bounds of the cell h names.
func decode(lonR, latR rangeT, h hashBits) area {
	sep := deinterleave(h.bits)
	latScale := latR.max - latR.min
	lonScale := lonR.max - lonR.min
	ilat := uint32(sep)
	ilon := uint32(sep >> 32)
	div := float64(uint64(1) << h.step)
	// ilat+1 is 32-bit arithmetic in C, wrapping for the largest cell.
	return area{
		hash: h,
		lat: rangeT{
			min: latR.min + float64((float64(ilat)*1.0/div)*latScale),
			max: latR.min + float64((float64(ilat+1)*1.0/div)*latScale),
		},
		lon: rangeT{
			min: lonR.min + float64((float64(ilon)*1.0/div)*lonScale),
			max: lonR.min + float64((float64(ilon+1)*1.0/div)*lonScale),
		},
	}
}

// center is geohashDecodeAreaToLongLat: the middle of the cell, clamped.
func (a area) center() (lon, lat float64) {
	lon = (a.lon.min + a.lon.max) / 2
	lon = min(max(lon, LonMin), LonMax)
	lat = (a.lat.min + a.lat.max) / 2
	lat = min(max(lat, LatMin), LatMax)
	return lon, lat
}

// moveX moves a hash d cells east (d > 0) or west (d < 0), wrapping around.
func (h hashBits) moveX(d int) hashBits {
	if d == 0 {
		return h
	}
	x := h.bits & 0xaaaaaaaaaaaaaaaa
	y := h.bits & 0x5555555555555555
	zz := uint64(0x5555555555555555) >> (64 - 2*uint(h.step))
	if d > 0 {
		x += zz + 1
	} else {
		x |= zz
		x -= zz + 1
	}
	x &= 0xaaaaaaaaaaaaaaaa >> (64 - 2*uint(h.step))
	h.bits = x | y
	return h
}

// moveY moves a hash d cells north (d > 0) or south (d < 0), wrapping around.
func (h hashBits) moveY(d int) hashBits {
	if d == 0 {
		return h
	}
	x := h.bits & 0xaaaaaaaaaaaaaaaa
	y := h.bits & 0x5555555555555555
	zz := uint64(0xaaaaaaaaaaaaaaaa) >> (64 - 2*uint(h.step))
	if d > 0 {
		y += zz + 1
	} else {
		y |= zz
		y -= zz + 1
	}
	y &= 0x5555555555555555 >> (64 - 2*uint(h.step))
	h.bits = x | y
	return h
}

// neighbours are the eight cells around a hash (Redis's GeoHashNeighbors).
type neighbours struct {
	north, east, west, south                   hashBits
	northEast, southEast, northWest, southWest hashBits
}

func neighboursOf(h hashBits) neighbours {
	return neighbours{
		east:      h.moveX(1),
		west:      h.moveX(-1),
		south:     h.moveY(-1),
		north:     h.moveY(1),
		northWest: h.moveX(-1).moveY(1),
		northEast: h.moveX(1).moveY(1),
		southEast: h.moveX(1).moveY(-1),
		southWest: h.moveX(-1).moveY(-1),
	}
}
