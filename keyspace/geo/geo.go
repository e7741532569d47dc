// Package geo reproduces Redis 7.0's geospatial arithmetic (GEOADD, GEOPOS,
// GEOHASH, GEODIST, GEORADIUS, GEOSEARCH) on sorted-set scores: the 52-bit
// interleaved geohash a member's score holds, its decoding, the haversine
// distance, and the nine geohash boxes a radius or box search scans.
//
// Every computation follows Redis's C code operation by operation, in IEEE
// double precision, so that scores, positions and distances come out the
// same. Callers do the sorted-set work: they look up scores, scan the score
// ranges that Areas returns, and format replies.
package geo

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Limits of the coordinates Redis accepts (EPSG:900913 / EPSG:3785), and the
// precision of stored scores.
const (
	LonMin = -180.0
	LonMax = 180.0
	LatMin = -85.05112878
	LatMax = 85.05112878

	// StepMax is the number of bits per coordinate in a stored score.
	StepMax = 26

	// EarthRadiusMeters is the radius Redis's haversine formula uses.
	EarthRadiusMeters = 6372797.560856

	// mercatorMax is half the equator length Redis uses to pick a step.
	mercatorMax = 20037726.37
)

// degToRad is Redis's D_R, M_PI / 180.0 rounded as a double division (the
// Go constant expression would be rounded once, from the exact quotient).
var degToRad = piDouble / 180.0

var piDouble float64 = math.Pi

// The explicit float64 conversions here and below keep the compiler from
// fusing a product into a following addition, which would round differently
// from Redis on CPUs with fused multiply-add.
func degRad(deg float64) float64 { return float64(deg * degToRad) }
func radDeg(rad float64) float64 { return rad / degToRad }

// ValidLonLat reports whether GEOADD and FROMLONLAT accept the pair.
func ValidLonLat(lon, lat float64) bool {
	return !(lon < LonMin || lon > LonMax || lat < LatMin || lat > LatMax)
}

// LonLatError is the error Redis replies for a pair ValidLonLat rejects:
// "ERR invalid longitude,latitude pair %f,%f" with C's %f formatting.
func LonLatError(lon, lat float64) error {
	return errors.New("ERR invalid longitude,latitude pair " + formatC(lon, 6) + "," + formatC(lat, 6))
}

// ErrUnit is the error Redis replies for an unknown distance unit.
var ErrUnit = errors.New("ERR unsupported unit provided. please use M, KM, FT, MI")

// ParseUnit returns the number of meters in one unit of m, km, ft or mi
// (case-insensitive), as Redis's extractUnitOrReply.
func ParseUnit(unit string) (toMeters float64, ok bool) {
	switch {
	case equalFold(unit, "m"):
		return 1, true
	case equalFold(unit, "km"):
		return 1000, true
	case equalFold(unit, "ft"):
		return 0.3048, true
	case equalFold(unit, "mi"):
		return 1609.34, true
	}
	return 0, false
}

// equalFold compares ASCII case-insensitively, as strcasecmp does.
func equalFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// FormatDistance formats a distance as GEODIST and WITHDIST reply it. Redis
// 7.0.15 prints it with fixedpoint_d2string(d, 4), not printf: the value is
// scaled by 10^4 in double arithmetic, rounded half to even to an integer,
// and printed with four decimals. This differs from "%.4f" when the scaling
// rounds across a half (57118425.765650004 prints as 57118425.7656).
func FormatDistance(d float64) string {
	if d == 0 {
		return "0.0000"
	}
	scaled := math.RoundToEven(d * 10000)
	var v uint64
	neg := false
	// llrint gives LLONG_MIN for NaN and for values out of range.
	if scaled != scaled || scaled >= 1<<63 || scaled < -(1<<63) {
		v, neg = 1<<63, true
	} else if scaled < 0 {
		v, neg = uint64(-int64(scaled)), true
	} else {
		v = uint64(scaled)
	}
	buf := make([]byte, 0, 24)
	if neg {
		buf = append(buf, '-')
	}
	buf = strconv.AppendUint(buf, v/10000, 10)
	buf = append(buf, '.')
	frac := v % 10000
	for p := uint64(1000); p > 0; p /= 10 {
		buf = append(buf, byte('0'+frac/p%10))
	}
	return string(buf)
}

// FormatCoord formats a coordinate as GEOPOS and WITHCOORD reply it
// (Redis's addReplyHumanLongDouble): "%.17Lf" of the value with trailing
// zeros and a trailing dot removed, and "-0" written as "0".
func FormatCoord(x float64) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(x, 'f', 17, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

// formatC formats like C's "%.*f" with glibc's spelling of the specials.
func formatC(v float64, prec int) string {
	switch {
	case math.IsNaN(v):
		if math.Signbit(v) {
			return "-nan"
		}
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// Encode returns the score GEOADD stores for a position, and false when the
// position is outside the accepted limits. As in Redis the score can reach
// past 52 bits at the very edges (longitude 180, latitude LatMax).
func Encode(lon, lat float64) (uint64, bool) {
	h, ok := encode(wgs84Lon, wgs84Lat, lon, lat, StepMax)
	if !ok {
		return 0, false
	}
	return h.align52(), true
}

// Decode returns the position GEOPOS reports for a stored score: the centre
// of the score's cell, clamped to the accepted limits.
func Decode(score float64) (lon, lat float64) {
	a := decode(wgs84Lon, wgs84Lat, hashBits{bits: scoreBits(score), step: StepMax})
	return a.center()
}

// geoAlphabet is the standard geohash base32 alphabet.
const geoAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz"

// Hash returns the 11-character geohash GEOHASH replies for a stored score.
// Redis decodes the score and encodes the position again with the standard
// latitude range -90..90, so the string is a standard geohash; the eleventh
// character stands for bits a score does not have and is always '0'.
func Hash(score float64) string {
	lon, lat := Decode(score)
	h, _ := encode(rangeT{-180, 180}, rangeT{-90, 90}, lon, lat, StepMax)
	var buf [11]byte
	for i := 0; i < 10; i++ {
		buf[i] = geoAlphabet[(h.bits>>(52-(i+1)*5))&0x1f]
	}
	buf[10] = geoAlphabet[0]
	return string(buf[:])
}

// Distance returns the great-circle distance in meters between two
// positions with Redis's haversine formula (geohashGetDistance). As in
// Redis 7.0.15, when the longitudes give no east-west term the distance is
// taken along the meridian directly.
func Distance(lon1, lat1, lon2, lat2 float64) float64 {
	lon1r := degRad(lon1)
	lon2r := degRad(lon2)
	v := sin((lon2r - lon1r) / 2)
	if v == 0 {
		return latDistance(lat1, lat2)
	}
	lat1r := degRad(lat1)
	lat2r := degRad(lat2)
	u := sin((lat2r - lat1r) / 2)
	a := float64(u*u) + float64(float64(float64(cos(lat1r)*cos(lat2r))*v)*v)
	return 2.0 * EarthRadiusMeters * asin(math.Sqrt(a))
}

// latDistance is the distance along a meridian (geohashGetLatDistance).
func latDistance(lat1, lat2 float64) float64 {
	return EarthRadiusMeters * math.Abs(degRad(lat2)-degRad(lat1))
}

// scoreBits converts a score to the integer Redis's decodeGeohash sees: C's
// (uint64_t) conversion of a double as x86-64 compilers emit it, so that
// negative, huge or infinite scores of foreign members decode as in Redis.
func scoreBits(score float64) uint64 {
	const two63 = 9223372036854775808.0
	if score >= two63 {
		v := score - two63
		if v >= two63 {
			return 0 // out of range: 1<<63 from the conversion, then flipped
		}
		return uint64(int64(v)) ^ 1<<63
	}
	if score != score || score < -two63 {
		return 1 << 63 // the conversion's "integer indefinite"
	}
	return uint64(int64(score))
}
