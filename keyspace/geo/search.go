package geo

import "math"

// Shape is the area of a GEOSEARCH or GEORADIUS query (Redis's GeoShape):
// a circle of Radius or a Width x Height box, centred on Lon, Lat. Radius,
// Width and Height are in the query's unit; Conversion is the number of
// meters in that unit (see ParseUnit).
type Shape struct {
	Lon, Lat      float64
	Box           bool
	Radius        float64
	Width, Height float64
	Conversion    float64
}

// ScoreRange is a range of sorted-set scores to scan: Min included, Max
// excluded, as Redis's zrangespec for one geohash box.
type ScoreRange struct {
	Min, Max uint64
}

// Contains reports whether a score falls in the range, comparing as Redis
// does once both bounds are doubles.
func (r ScoreRange) Contains(score float64) bool {
	return score >= float64(r.Min) && score < float64(r.Max)
}

// boundingBox is geohashBoundingBox: the lon/lat bounds of the search area,
// widened on the side of the box nearer the pole.
func (s *Shape) boundingBox() (minLon, minLat, maxLon, maxLat float64) {
	var height, width float64
	if s.Box {
		height = s.Conversion * (s.Height / 2)
		width = s.Conversion * (s.Width / 2)
	} else {
		height = s.Conversion * s.Radius
		width = s.Conversion * s.Radius
	}
	latDelta := radDeg(height / EarthRadiusMeters)
	lonDeltaTop := radDeg(width / EarthRadiusMeters / cos(degRad(s.Lat+latDelta)))
	lonDeltaBottom := radDeg(width / EarthRadiusMeters / cos(degRad(s.Lat-latDelta)))
	if s.Lat < 0 {
		minLon, maxLon = s.Lon-lonDeltaBottom, s.Lon+lonDeltaBottom
	} else {
		minLon, maxLon = s.Lon-lonDeltaTop, s.Lon+lonDeltaTop
	}
	return minLon, s.Lat - latDelta, maxLon, s.Lat + latDelta
}

// estimateSteps is geohashEstimateStepsByRadius: the coarsest precision whose
// cells are about as large as the search radius, coarser near the poles.
func estimateSteps(rangeMeters, lat float64) int {
	if rangeMeters == 0 {
		return 26
	}
	step := 1
	for rangeMeters < mercatorMax {
		rangeMeters *= 2
		step++
	}
	step -= 2 // make sure the range is included in most of the base cases
	if lat > 66 || lat < -66 {
		step--
		if lat > 80 || lat < -80 {
			step--
		}
	}
	return min(max(step, 1), 26)
}

// Areas returns the score ranges a search scans, in the order Redis scans
// them: the centre cell, then north, south, east, west, north-east,
// north-west, south-east and south-west. Cells that cannot hold a match are
// left out, and so is a cell equal to the one scanned just before it (as
// Redis skips it; note that Redis never compares with the centre cell).
// A member can appear in two ranges when cells repeat non-consecutively;
// Redis then reports it twice, and so should the caller.
func (s *Shape) Areas() []ScoreRange {
	cells := s.cells()
	out := make([]ScoreRange, 0, len(cells))
	last := 0
	for i, c := range cells {
		if c.isZero() {
			continue
		}
		if last != 0 && c == cells[last] {
			continue
		}
		out = append(out, ScoreRange{
			Min: c.align52(),
			Max: hashBits{bits: c.bits + 1, step: c.step}.align52(),
		})
		last = i
	}
	return out
}

// cells is geohashCalculateAreasByShapeWGS84 followed by the ordering of
// membersOfAllNeighbors; cells excluded from the search are zero.
func (s *Shape) cells() [9]hashBits {
	minLon, minLat, maxLon, maxLat := s.boundingBox()
	var radius float64
	if s.Box {
		radius = math.Sqrt(float64((s.Width/2)*(s.Width/2)) + float64((s.Height/2)*(s.Height/2)))
	} else {
		radius = s.Radius
	}
	radius *= s.Conversion
	steps := estimateSteps(radius, s.Lat)

	hash, _ := encode(wgs84Lon, wgs84Lat, s.Lon, s.Lat, uint8(steps))
	nb := neighboursOf(hash)
	ar := decode(wgs84Lon, wgs84Lat, hash)

	// The estimated step may leave part of the area outside the nine cells
	// when the centre lies near a cell edge: then use cells twice as large.
	north := decode(wgs84Lon, wgs84Lat, nb.north)
	south := decode(wgs84Lon, wgs84Lat, nb.south)
	east := decode(wgs84Lon, wgs84Lat, nb.east)
	west := decode(wgs84Lon, wgs84Lat, nb.west)
	decrease := north.lat.max < maxLat || south.lat.min > minLat ||
		east.lon.max < maxLon || west.lon.min > minLon
	if steps > 1 && decrease {
		steps--
		hash, _ = encode(wgs84Lon, wgs84Lat, s.Lon, s.Lat, uint8(steps))
		nb = neighboursOf(hash)
		ar = decode(wgs84Lon, wgs84Lat, hash)
	}

	// Drop the neighbours the area does not reach.
	if steps >= 2 {
		if ar.lat.min < minLat {
			nb.south, nb.southWest, nb.southEast = hashBits{}, hashBits{}, hashBits{}
		}
		if ar.lat.max > maxLat {
			nb.north, nb.northEast, nb.northWest = hashBits{}, hashBits{}, hashBits{}
		}
		if ar.lon.min < minLon {
			nb.west, nb.southWest, nb.northWest = hashBits{}, hashBits{}, hashBits{}
		}
		if ar.lon.max > maxLon {
			nb.east, nb.southEast, nb.northEast = hashBits{}, hashBits{}, hashBits{}
		}
	}
	return [9]hashBits{hash, nb.north, nb.south, nb.east, nb.west,
		nb.northEast, nb.northWest, nb.southEast, nb.southWest}
}

// InShape reports whether a member at lon, lat matches the search, and its
// distance in meters from the centre (Redis divides it by Conversion for
// WITHDIST and STOREDIST, after sorting on the meters). A circle matches up
// to its radius included; a box matches when the north-south distance along
// the meridian and the east-west distance along the member's parallel are
// within half its height and width (geohashGetDistanceIfInRectangle).
func (s *Shape) InShape(lon, lat float64) (dist float64, ok bool) {
	if !s.Box {
		dist = Distance(s.Lon, s.Lat, lon, lat)
		return dist, !(dist > s.Radius*s.Conversion)
	}
	width := s.Width * s.Conversion
	height := s.Height * s.Conversion
	if latDistance(lat, s.Lat) > height/2 {
		return 0, false
	}
	if Distance(lon, lat, s.Lon, lat) > width/2 {
		return 0, false
	}
	return Distance(s.Lon, s.Lat, lon, lat), true
}

// Match decodes a member's score and applies InShape, as Redis's
// geoAppendIfWithinShape: it returns the position GEOSEARCH reports
// WITHCOORD and the distance in meters.
func (s *Shape) Match(score float64) (lon, lat, dist float64, ok bool) {
	lon, lat = Decode(score)
	dist, ok = s.InShape(lon, lat)
	return lon, lat, dist, ok
}
