package commands

import (
	"sort"
	"strconv"

	"sundial/keyspace"
	"sundial/keyspace/geo"
	"sundial/keyspace/zset"
)

// geoCommands is this family's part of the command table. Positions live
// in sorted sets, each member scored with its 52-bit geohash (package
// geo does the arithmetic, exactly as Redis 7.0 does).
var geoCommands = []*Spec{
	{Name: "geoadd", Run: cmdGeoAdd},
	{Name: "geodist", Run: cmdGeoDist},
	{Name: "geohash", Run: cmdGeoHash},
	{Name: "geopos", Run: cmdGeoPos},
	{Name: "georadius", Run: func(c *Client, args [][]byte) { geoSearch(c, args, 1, geoByCoords) }},
	{Name: "georadius_ro", Run: func(c *Client, args [][]byte) { geoSearch(c, args, 1, geoByCoords|geoNoStore) }},
	{Name: "georadiusbymember", Run: func(c *Client, args [][]byte) { geoSearch(c, args, 1, geoByMember) }},
	{Name: "georadiusbymember_ro", Run: func(c *Client, args [][]byte) { geoSearch(c, args, 1, geoByMember|geoNoStore) }},
	{Name: "geosearch", Run: func(c *Client, args [][]byte) { geoSearch(c, args, 1, geoSearchCmd) }},
	{Name: "geosearchstore", Run: func(c *Client, args [][]byte) { geoSearch(c, args, 2, geoSearchCmd|geoSearchStore) }},
}

// Geo errors, as Redis 7.0 words them.
const (
	errGeoMember   = "ERR could not decode requested zset member"
	errGeoRadius   = "ERR need numeric radius"
	errGeoNegRad   = "ERR radius cannot be negative"
	errGeoWidth    = "ERR need numeric width"
	errGeoHeight   = "ERR need numeric height"
	errGeoNegBox   = "ERR height or width cannot be negative"
	errGeoCount    = "ERR COUNT must be > 0"
	errGeoAnyCount = "ERR the ANY argument requires COUNT argument"
)

// geoLonLat parses a longitude and latitude argument pair as Redis's
// extractLongLatOrReply.
func geoLonLat(c *Client, args [][]byte) (lon, lat float64, ok bool) {
	if lon, ok = zsetParseDouble(args[0]); !ok {
		c.Error(errNotFloat)
		return 0, 0, false
	}
	if lat, ok = zsetParseDouble(args[1]); !ok {
		c.Error(errNotFloat)
		return 0, 0, false
	}
	if !geo.ValidLonLat(lon, lat) {
		c.Error(geo.LonLatError(lon, lat).Error())
		return 0, 0, false
	}
	return lon, lat, true
}

// geoUnit parses a unit argument into meters per unit.
func geoUnit(c *Client, b []byte) (float64, bool) {
	m, ok := geo.ParseUnit(argCStringZ(b))
	if !ok {
		c.Error(geo.ErrUnit.Error())
	}
	return m, ok
}

// argCStringZ reads an argument as C code does: up to its first NUL.
func argCStringZ(b []byte) string {
	for i, ch := range b {
		if ch == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// GEOADD key [NX|XX] [CH] longitude latitude member [...]: each position
// becomes a ZADD score, and the command is propagated as that ZADD.
func cmdGeoAdd(c *Client, args [][]byte) {
	var nx, xx bool
	i := 2
options:
	for ; i < len(args); i++ {
		switch a := args[i]; {
		case zopt(a, "nx"):
			nx = true
		case zopt(a, "xx"):
			xx = true
		case zopt(a, "ch"):
		default:
			break options
		}
	}
	if (len(args)-i)%3 != 0 || (nx && xx) {
		c.Error(errSyntax)
		return
	}
	n := (len(args) - i) / 3
	argv := make([][]byte, 0, i+2*n)
	argv = append(argv, []byte("ZADD"))
	argv = append(argv, args[1:i]...)
	for j := 0; j < n; j++ {
		t := args[i+3*j:]
		lon, lat, ok := geoLonLat(c, t[:2])
		if !ok {
			return
		}
		bits, _ := geo.Encode(lon, lat)
		argv = append(argv, []byte(strconv.FormatUint(bits, 10)), t[2])
	}
	before := c.e.Dirty
	zaddGeneric(c, argv, false)
	if c.e.Dirty != before {
		c.Rewrite(argv...)
	}
}

// GEODIST key member1 member2 [M|KM|FT|MI]
func cmdGeoDist(c *Client, args [][]byte) {
	toMeters := 1.0
	if len(args) == 5 {
		var ok bool
		if toMeters, ok = geoUnit(c, args[4]); !ok {
			return
		}
	} else if len(args) > 5 {
		c.Error(errSyntax)
		return
	}
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil {
		c.Null()
		return
	}
	s1, ok1 := z.Score(zview(args[2]))
	s2, ok2 := z.Score(zview(args[3]))
	if !ok1 || !ok2 {
		c.Null()
		return
	}
	lon1, lat1 := geo.Decode(s1)
	lon2, lat2 := geo.Decode(s2)
	c.BulkString(geo.FormatDistance(geo.Distance(lon1, lat1, lon2, lat2) / toMeters))
}

// GEOHASH key [member ...]
func cmdGeoHash(c *Client, args [][]byte) {
	zmemberScores(c, args, (*Client).Null, func(c *Client, s float64) { c.BulkString(geo.Hash(s)) })
}

// GEOPOS key [member ...]
func cmdGeoPos(c *Client, args [][]byte) {
	zmemberScores(c, args, (*Client).NullArray, func(c *Client, s float64) {
		lon, lat := geo.Decode(s)
		c.Array(2)
		geoReplyCoord(c, lon)
		geoReplyCoord(c, lat)
	})
}

// geoReplyCoord writes a coordinate as Redis's addReplyHumanLongDouble: a
// bulk string in RESP2, a double in RESP3, printed the same way.
func geoReplyCoord(c *Client, x float64) {
	s := geo.FormatCoord(x)
	if c.Proto >= 3 {
		c.Raw([]byte("," + s + "\r\n"))
		return
	}
	c.BulkString(s)
}

// Kinds of search, as Redis's georadiusGeneric flags.
const (
	geoByCoords    = 1 << iota // GEORADIUS: centre given by longitude, latitude
	geoByMember                // GEORADIUSBYMEMBER: centre is a member
	geoNoStore                 // the _RO forms: no STORE/STOREDIST
	geoSearchCmd               // GEOSEARCH syntax
	geoSearchStore             // GEOSEARCHSTORE
)

type geoSort uint8

const (
	geoSortNone geoSort = iota
	geoSortAsc
	geoSortDesc
)

// geoPoint is one search match.
type geoPoint struct {
	member         string
	score          float64
	dist, lon, lat float64
}

// geoSearch is Redis's georadiusGeneric: GEORADIUS, GEORADIUSBYMEMBER,
// their _RO forms, GEOSEARCH and GEOSEARCHSTORE. srcIdx is the position
// of the source key.
func geoSearch(c *Client, args [][]byte, srcIdx int, flags int) {
	var storeKey []byte
	storeDist := false
	z, ok := readZSet(c, args[srcIdx])
	if !ok {
		return
	}
	var shape geo.Shape
	var base int
	switch {
	case flags&geoByCoords != 0:
		base = 6
		if shape.Lon, shape.Lat, ok = geoLonLat(c, args[2:4]); !ok {
			return
		}
		if shape.Radius, shape.Conversion, ok = geoDistanceArgs(c, args[4:6]); !ok {
			return
		}
	case flags&geoByMember != 0:
		base = 5
		// Without a source key the reply is empty whatever the radius,
		// but the options are still checked.
		if z != nil {
			if shape.Lon, shape.Lat, ok = geoMemberPos(c, z, args[2]); !ok {
				return
			}
			if shape.Radius, shape.Conversion, ok = geoDistanceArgs(c, args[3:5]); !ok {
				return
			}
		}
	default:
		base = 2
		if flags&geoSearchStore != 0 {
			base = 3
			storeKey = args[1]
		}
	}

	var withDist, withHash, withCoord, fromMember, fromLoc, byRadius, byBox, anyMatch bool
	order := geoSortNone
	var count int64
	rest := args[base:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		more := len(rest) - i - 1
		search := flags&geoSearchCmd != 0
		switch {
		case zopt(a, "withdist"):
			withDist = true
		case zopt(a, "withhash"):
			withHash = true
		case zopt(a, "withcoord"):
			withCoord = true
		case zopt(a, "any"):
			anyMatch = true
		case zopt(a, "asc"):
			order = geoSortAsc
		case zopt(a, "desc"):
			order = geoSortDesc
		case zopt(a, "count") && more >= 1:
			n, ok := zsetArgInt(c, rest[i+1])
			if !ok {
				return
			}
			if n <= 0 {
				c.Error(errGeoCount)
				return
			}
			count = n
			i++
		case (zopt(a, "store") || zopt(a, "storedist")) && more >= 1 && flags&(geoNoStore|geoSearchCmd) == 0:
			storeKey = rest[i+1]
			storeDist = zopt(a, "storedist")
			i++
		case zopt(a, "storedist") && search && flags&geoSearchStore != 0:
			storeDist = true
		case zopt(a, "frommember") && more >= 1 && search && !fromLoc:
			if z != nil {
				if shape.Lon, shape.Lat, ok = geoMemberPos(c, z, rest[i+1]); !ok {
					return
				}
			}
			fromMember = true
			i++
		case zopt(a, "fromlonlat") && more >= 2 && search && !fromMember:
			if shape.Lon, shape.Lat, ok = geoLonLat(c, rest[i+1:i+3]); !ok {
				return
			}
			fromLoc = true
			i += 2
		case zopt(a, "byradius") && more >= 2 && search && !byBox:
			if shape.Radius, shape.Conversion, ok = geoDistanceArgs(c, rest[i+1:i+3]); !ok {
				return
			}
			shape.Box = false
			byRadius = true
			i += 2
		case zopt(a, "bybox") && more >= 3 && search && !byRadius:
			if shape.Width, shape.Height, shape.Conversion, ok = geoBoxArgs(c, rest[i+1:i+4]); !ok {
				return
			}
			shape.Box = true
			byBox = true
			i += 3
		default:
			c.Error(errSyntax)
			return
		}
	}

	if storeKey != nil && (withDist || withHash || withCoord) {
		what := "STORE option in GEORADIUS"
		if flags&geoSearchStore != 0 {
			what = "GEOSEARCHSTORE"
		}
		c.Error("ERR " + what + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
		return
	}
	if flags&geoSearchCmd != 0 && !fromMember && !fromLoc {
		c.Error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + argCStringZ(args[0]))
		return
	}
	if flags&geoSearchCmd != 0 && !byRadius && !byBox {
		c.Error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + argCStringZ(args[0]))
		return
	}
	if anyMatch && count == 0 {
		c.Error(errGeoAnyCount)
		return
	}
	if z == nil {
		if storeKey != nil {
			zsetStore(c, storeKey, keyspace.NewZSet(true), 0, "", 0)
			c.Int(0)
		} else {
			c.Array(0)
		}
		return
	}
	// COUNT needs the nearest ones, so it sorts unless ANY says any will do.
	if count != 0 && order == geoSortNone && !anyMatch {
		order = geoSortAsc
	}
	limit := int64(0)
	if anyMatch {
		limit = count
	}
	points := geoMembersInShape(z, &shape, limit)
	if len(points) == 0 && storeKey == nil {
		c.Array(0)
		return
	}
	returned := len(points)
	if count != 0 && int64(returned) > count {
		returned = int(count)
	}
	geoSortPoints(points, order, returned)
	points = points[:returned]
	for i := range points {
		points[i].dist /= shape.Conversion
	}
	if storeKey != nil {
		geoStore(c, storeKey, points, storeDist, flags&geoSearchCmd != 0)
		return
	}
	geoReplyPoints(c, points, withDist, withHash, withCoord)
}

// geoDistanceArgs parses a radius and its unit (extractDistanceOrReply).
func geoDistanceArgs(c *Client, args [][]byte) (radius, toMeters float64, ok bool) {
	radius, ok = zsetParseDouble(args[0])
	if !ok {
		c.Error(errGeoRadius)
		return 0, 0, false
	}
	if radius < 0 {
		c.Error(errGeoNegRad)
		return 0, 0, false
	}
	toMeters, ok = geoUnit(c, args[1])
	return radius, toMeters, ok
}

// geoBoxArgs parses a width, height and unit (extractBoxOrReply).
func geoBoxArgs(c *Client, args [][]byte) (width, height, toMeters float64, ok bool) {
	if width, ok = zsetParseDouble(args[0]); !ok {
		c.Error(errGeoWidth)
		return 0, 0, 0, false
	}
	if height, ok = zsetParseDouble(args[1]); !ok {
		c.Error(errGeoHeight)
		return 0, 0, 0, false
	}
	if height < 0 || width < 0 {
		c.Error(errGeoNegBox)
		return 0, 0, 0, false
	}
	toMeters, ok = geoUnit(c, args[2])
	return width, height, toMeters, ok
}

// geoMemberPos is the position of a member used as a search centre.
func geoMemberPos(c *Client, z *keyspace.ZSet, member []byte) (lon, lat float64, ok bool) {
	s, found := z.Score(zview(member))
	if !found {
		c.Error(errGeoMember)
		return 0, 0, false
	}
	lon, lat = geo.Decode(s)
	return lon, lat, true
}

// geoMembersInShape scans the score ranges of the search's geohash boxes
// in Redis's order and keeps the members inside the shape; with limit > 0
// (ANY) it stops once it has that many.
func geoMembersInShape(z *keyspace.ZSet, shape *geo.Shape, limit int64) []geoPoint {
	var points []geoPoint
	full := func() bool { return limit > 0 && int64(len(points)) >= limit }
	for _, area := range shape.Areas() {
		if len(points) > 0 && full() {
			break
		}
		r := zset.ScoreRange{Min: float64(area.Min), Max: float64(area.Max), MaxEx: true}
		z.ByScore(r, false, 0, -1, func(m string, s float64) bool {
			lon, lat, dist, ok := shape.Match(s)
			if ok {
				points = append(points, geoPoint{member: m, score: s, dist: dist, lon: lon, lat: lat})
			}
			return !full()
		})
	}
	return points
}

// geoSortPoints orders matches by distance as Redis does: a stable full
// sort (glibc's qsort is a merge sort) when every match is returned, and
// Redis's partial quicksort when COUNT keeps only the first ones.
func geoSortPoints(points []geoPoint, order geoSort, returned int) {
	if order == geoSortNone {
		return
	}
	cmp := func(i, j int) int {
		a, b := points[i].dist, points[j].dist
		r := 0
		switch {
		case a > b:
			r = 1
		case a < b:
			r = -1
		}
		if order == geoSortDesc {
			r = -r
		}
		return r
	}
	if returned == len(points) {
		sort.SliceStable(points, func(i, j int) bool { return cmp(i, j) < 0 })
		return
	}
	pqsort(len(points), cmp, func(i, j int) { points[i], points[j] = points[j], points[i] }, 0, returned-1)
}

func geoReplyPoints(c *Client, points []geoPoint, withDist, withHash, withCoord bool) {
	opts := 0
	for _, on := range []bool{withDist, withHash, withCoord} {
		if on {
			opts++
		}
	}
	c.Array(len(points))
	for _, p := range points {
		if opts > 0 {
			c.Array(opts + 1)
		}
		c.BulkString(p.member)
		if withDist {
			c.BulkString(geo.FormatDistance(p.dist))
		}
		if withHash {
			c.Int(int64(p.score))
		}
		if withCoord {
			c.Array(2)
			geoReplyCoord(c, p.lon)
			geoReplyCoord(c, p.lat)
		}
	}
}

// geoStore writes the matches to a sorted set scored by geohash or, with
// STOREDIST, by distance.
func geoStore(c *Client, dst []byte, points []geoPoint, storeDist, search bool) {
	res := keyspace.NewZSet(false)
	maxLen := 0
	for _, p := range points {
		score := p.score
		if storeDist {
			score = p.dist
		}
		// A member found in two boxes is stored once.
		if added, _ := res.Add(p.member, score); added {
			maxLen = max(maxLen, len(p.member))
		}
	}
	event := "georadiusstore"
	if search {
		event = "geosearchstore"
	}
	zsetStore(c, dst, res, maxLen, event, len(points))
	c.Int(int64(len(points)))
}
