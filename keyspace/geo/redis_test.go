package geo

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"sort"
	"strconv"
	"testing"
)

// The tests in this file compare this package with a real redis-server.

type point struct {
	name     string
	lon, lat float64
}

// testPoints covers the limits (poles, antimeridian), the equator and the
// prime meridian, clusters around a few cities, and random points.
func testPoints(rng *rand.Rand) []point {
	pts := []point{
		{"origin", 0, 0},
		{"east-edge", 180, 0}, {"west-edge", -180, 0},
		{"north-limit", 0, LatMax}, {"south-limit", 0, -LatMax},
		{"ne-corner", 180, LatMax}, {"sw-corner", -180, -LatMax},
		{"nw-corner", -180, LatMax}, {"se-corner", 180, -LatMax},
		{"equator-1", 45, 0}, {"equator-2", -90, 0}, {"equator-3", 179.9999, 0},
		{"meridian-1", 0, 45}, {"meridian-2", 0, -60},
		{"palermo", 13.361389, 38.115556}, {"catania", 15.087269, 37.502669},
		{"dateline-e", 179.99, 10}, {"dateline-w", -179.99, 10},
		{"tiny", 1e-9, -1e-9}, {"dup-a", 2.5, 48.5}, {"dup-b", 2.5, 48.5},
	}
	centres := []point{{"paris", 2.35, 48.85}, {"sydney", 151.2, -33.87},
		{"arctic", 20, 82}, {"fiji", 179.5, -17.7}, {"quito", -78.5, -0.2}}
	for _, c := range centres {
		for i := 0; i < 150; i++ {
			d := math.Pow(10, -3+rng.Float64()*4) // 0.001 to 10 degrees
			lon := c.lon + (rng.Float64()*2-1)*d
			lat := c.lat + (rng.Float64()*2-1)*d
			lon = math.Mod(lon+540, 360) - 180
			lat = math.Max(LatMin, math.Min(LatMax, lat))
			pts = append(pts, point{fmt.Sprintf("%s-%d", c.name, i), lon, lat})
		}
	}
	for i := 0; i < 600; i++ {
		pts = append(pts, point{fmt.Sprintf("rand-%d", i),
			rng.Float64()*360 - 180, rng.Float64()*2*LatMax - LatMax})
	}
	return pts
}

func loadPoints(t *testing.T, rr *realRedis, key string, pts []point) {
	t.Helper()
	var cmds [][]any
	for _, p := range pts {
		cmds = append(cmds, []any{"GEOADD", key,
			strconv.FormatFloat(p.lon, 'g', -1, 64), strconv.FormatFloat(p.lat, 'g', -1, 64), p.name})
	}
	for i, r := range rr.pipeline(t, cmds) {
		if _, ok := r.(int64); !ok {
			t.Fatalf("GEOADD %v: %v", pts[i], r)
		}
	}
}

func TestRedisEncodeDecodeHash(t *testing.T) {
	rr := startRedis(t)
	pts := testPoints(rand.New(rand.NewSource(1)))
	loadPoints(t, rr, "pts", pts)
	for _, p := range pts {
		bits, ok := Encode(p.lon, p.lat)
		if !ok {
			t.Fatalf("%s: Encode rejected %v,%v", p.name, p.lon, p.lat)
		}
		score := float64(bits)
		zs, _ := rr.do(t, "ZSCORE", "pts", p.name).(string)
		got, err := strconv.ParseFloat(zs, 64)
		if err != nil || got != score {
			if p.name != "dup-b" && p.name != "dup-a" {
				t.Fatalf("%s: ZSCORE %q, ours %d", p.name, zs, bits)
			}
		}
		pos, _ := rr.do(t, "GEOPOS", "pts", p.name).([]any)
		lon, lat := Decode(score)
		want := []any{FormatCoord(lon), FormatCoord(lat)}
		if len(pos) != 1 || fmt.Sprint(pos[0]) != fmt.Sprint(want) {
			t.Fatalf("%s: GEOPOS %v, ours %v", p.name, pos, want)
		}
		h, _ := rr.do(t, "GEOHASH", "pts", p.name).([]any)
		if len(h) != 1 || h[0] != Hash(score) {
			t.Fatalf("%s: GEOHASH %v, ours %s", p.name, h, Hash(score))
		}
	}
}

// TestRedisForeignScores decodes scores that GEOADD never writes.
func TestRedisForeignScores(t *testing.T) {
	rr := startRedis(t)
	scores := []string{"0", "-1", "-1e30", "1e30", "4503599627370495", "4503599627370496",
		"9007199254740993", "1.5", "123456789.75", "1152921504606846976", "9.3e18", "1.8e19",
		"2e19", "inf", "-inf", "-0"}
	for i, s := range scores {
		m := fmt.Sprintf("m%d", i)
		rr.do(t, "ZADD", "foreign", s, m)
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		pos, _ := rr.do(t, "GEOPOS", "foreign", m).([]any)
		lon, lat := Decode(f)
		want := []any{FormatCoord(lon), FormatCoord(lat)}
		if len(pos) != 1 || fmt.Sprint(pos[0]) != fmt.Sprint(want) {
			t.Fatalf("score %s: GEOPOS %v, ours %v", s, pos, want)
		}
		h, _ := rr.do(t, "GEOHASH", "foreign", m).([]any)
		if len(h) != 1 || h[0] != Hash(f) {
			t.Fatalf("score %s: GEOHASH %v, ours %s", s, h, Hash(f))
		}
	}
}

func TestRedisDistance(t *testing.T) {
	rr := startRedis(t)
	rng := rand.New(rand.NewSource(2))
	pts := testPoints(rng)
	loadPoints(t, rr, "d", pts)
	units := []string{"m", "km", "ft", "mi", "KM"}
	var cmds [][]any
	var want []string
	for i := 0; i < 3000; i++ {
		a, b := pts[rng.Intn(len(pts))], pts[rng.Intn(len(pts))]
		if i < len(pts) {
			a = pts[i] // every point at least once, against a random one
		}
		unit := units[i%len(units)]
		conv, ok := ParseUnit(unit)
		if !ok {
			t.Fatalf("unit %s rejected", unit)
		}
		ba, _ := Encode(a.lon, a.lat)
		bb, _ := Encode(b.lon, b.lat)
		lon1, lat1 := Decode(float64(ba))
		lon2, lat2 := Decode(float64(bb))
		cmds = append(cmds, []any{"GEODIST", "d", a.name, b.name, unit})
		want = append(want, FormatDistance(Distance(lon1, lat1, lon2, lat2)/conv))
	}
	for i, r := range rr.pipeline(t, cmds) {
		if r != want[i] {
			t.Errorf("%v: redis %v, ours %s", cmds[i], r, want[i])
		}
	}
}

func TestRedisErrors(t *testing.T) {
	rr := startRedis(t)
	for _, p := range [][2]string{{"181", "0"}, {"0", "86"}, {"-180.0000001", "0"},
		{"0", "-85.05112879"}, {"inf", "0"}, {"0", "-inf"}, {"1e300", "1e-300"}, {"-0.5", "123.456789123"}} {
		lon, _ := strconv.ParseFloat(p[0], 64)
		lat, _ := strconv.ParseFloat(p[1], 64)
		if ValidLonLat(lon, lat) {
			t.Fatalf("%v accepted", p)
		}
		r := rr.do(t, "GEOADD", "e", p[0], p[1], "x")
		if r != respError(LonLatError(lon, lat).Error()) {
			t.Fatalf("%v: redis %v, ours %v", p, r, LonLatError(lon, lat))
		}
	}
	rr.do(t, "GEOADD", "e", "1", "2", "a", "3", "4", "b")
	if r := rr.do(t, "GEODIST", "e", "a", "b", "parsecs"); r != respError(ErrUnit.Error()) {
		t.Fatalf("unit error: redis %v, ours %v", r, ErrUnit)
	}
	for _, u := range []string{"parsecs", "", "kms", "M ", "Mi"} {
		_, ok := ParseUnit(u)
		r := rr.do(t, "GEODIST", "e", "a", "b", u)
		_, redisOK := r.(string)
		if ok != redisOK {
			t.Fatalf("unit %q: redis %v, ours ok=%v", u, r, ok)
		}
	}
}

// scanned is a sorted set held as a sorted slice, scanned as the caller of
// Areas scans its sorted set.
type scanned struct {
	scores  []float64
	members []string
}

func newScanned(pts []point) *scanned {
	type sm struct {
		s float64
		m string
	}
	var all []sm
	for _, p := range pts {
		b, _ := Encode(p.lon, p.lat)
		all = append(all, sm{float64(b), p.name})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].s != all[j].s {
			return all[i].s < all[j].s
		}
		return all[i].m < all[j].m
	})
	z := &scanned{}
	for _, e := range all {
		z.scores = append(z.scores, e.s)
		z.members = append(z.members, e.m)
	}
	return z
}

func (z *scanned) score(member string) float64 {
	return z.scores[slices.Index(z.members, member)]
}

// search returns one line per match: member, distance, hash, coordinates,
// formatted as GEOSEARCH WITHDIST WITHHASH WITHCOORD replies them.
func (z *scanned) search(s *Shape) []string {
	var out []string
	for _, r := range s.Areas() {
		i := sort.SearchFloat64s(z.scores, float64(r.Min))
		for ; i < len(z.scores) && r.Contains(z.scores[i]); i++ {
			lon, lat, dist, ok := s.Match(z.scores[i])
			if !ok {
				continue
			}
			out = append(out, fmt.Sprintf("%s %s %d %s %s", z.members[i],
				FormatDistance(dist/s.Conversion), int64(z.scores[i]), FormatCoord(lon), FormatCoord(lat)))
		}
	}
	sort.Strings(out)
	return out
}

func redisMatches(t *testing.T, reply any) []string {
	t.Helper()
	arr, ok := reply.([]any)
	if !ok {
		t.Fatalf("GEOSEARCH replied %v", reply)
	}
	var out []string
	for _, e := range arr {
		f := e.([]any)
		coords := f[3].([]any)
		out = append(out, fmt.Sprintf("%s %s %d %s %s", f[0], f[1], f[2], coords[0], coords[1]))
	}
	sort.Strings(out)
	return out
}

func TestRedisSearch(t *testing.T) {
	rr := startRedis(t)
	rng := rand.New(rand.NewSource(3))
	pts := testPoints(rng)
	loadPoints(t, rr, "s", pts)
	z := newScanned(pts)
	units := []string{"m", "km", "ft", "mi"}
	nonEmpty := 0
	const edgeQueries = 21 * 8 // the special points come first in pts
	for i := 0; i < 1500+edgeQueries; i++ {
		var centre point
		fromMember := i%5 == 4
		if i < edgeQueries {
			centre = pts[i/8] // poles, antimeridian, equator: 8 queries each
		} else if fromMember || i%3 == 0 {
			centre = pts[rng.Intn(len(pts))]
		} else {
			centre = point{lon: rng.Float64()*360 - 180, lat: rng.Float64()*2*LatMax - LatMax}
		}
		unit := units[rng.Intn(len(units))]
		conv, _ := ParseUnit(unit)
		size := math.Pow(10, rng.Float64()*7.5) / conv // 1 m to 30000 km
		if i%50 == 0 {
			size = 0
		}
		shape := &Shape{Lon: centre.lon, Lat: centre.lat, Conversion: conv}
		args := []any{"GEOSEARCH", "s"}
		if fromMember {
			shape.Lon, shape.Lat = Decode(z.score(centre.name))
			args = append(args, "FROMMEMBER", centre.name)
		} else {
			args = append(args, "FROMLONLAT", strconv.FormatFloat(centre.lon, 'g', -1, 64),
				strconv.FormatFloat(centre.lat, 'g', -1, 64))
		}
		sizeArg := strconv.FormatFloat(size, 'g', -1, 64)
		if i%2 == 0 {
			shape.Radius = size
			args = append(args, "BYRADIUS", sizeArg, unit)
		} else {
			h := size * math.Pow(10, rng.Float64()*2-1)
			shape.Box, shape.Width, shape.Height = true, size, h
			args = append(args, "BYBOX", sizeArg, strconv.FormatFloat(h, 'g', -1, 64), unit)
		}
		args = append(args, "WITHDIST", "WITHHASH", "WITHCOORD")
		want := redisMatches(t, rr.do(t, args...))
		got := z.search(shape)
		if !slices.Equal(got, want) {
			t.Fatalf("%v: redis %d matches, ours %d\nonly redis: %v\nonly ours: %v",
				args, len(want), len(got), minus(want, got), minus(got, want))
		}
		if len(want) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < 500 {
		t.Fatalf("only %d of the searches found anything; the test is too weak", nonEmpty)
	}
}

// minus returns the lines of a missing from b (both sorted), at most ten.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); !found && len(out) < 10 {
			out = append(out, x)
		}
	}
	return out
}
