package geo

import (
	"math"
	"math/rand"
	"testing"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	for i := 0; i < 10000; i++ {
		lon := rng.Float64()*360 - 180
		lat := rng.Float64()*2*LatMax - LatMax
		bits, ok := Encode(lon, lat)
		if !ok {
			t.Fatalf("Encode(%v, %v) rejected", lon, lat)
		}
		if bits >= 1<<52 {
			t.Fatalf("Encode(%v, %v) = %d, past 52 bits", lon, lat, bits)
		}
		dlon, dlat := Decode(float64(bits))
		// A step-26 cell is 360/2^26 degrees wide and 170.1/2^26 high.
		if math.Abs(dlon-lon) > 360.0/(1<<27)+1e-12 || math.Abs(dlat-lat) > 170.2/(1<<27)+1e-12 {
			t.Fatalf("(%v, %v) decodes to (%v, %v)", lon, lat, dlon, dlat)
		}
		if again, _ := Encode(dlon, dlat); again != bits {
			t.Fatalf("the centre of cell %d encodes to %d", bits, again)
		}
	}
}

func TestValidation(t *testing.T) {
	valid := [][2]float64{{0, 0}, {180, LatMax}, {-180, -LatMax}}
	invalid := [][2]float64{{180.0000001, 0}, {0, 85.06}, {math.Inf(1), 0}, {0, math.NaN()}}
	for _, p := range valid {
		if !ValidLonLat(p[0], p[1]) {
			t.Errorf("%v rejected", p)
		}
		if _, ok := Encode(p[0], p[1]); !ok {
			t.Errorf("Encode %v rejected", p)
		}
	}
	for _, p := range invalid[:3] {
		if ValidLonLat(p[0], p[1]) {
			t.Errorf("%v accepted", p)
		}
		if _, ok := Encode(p[0], p[1]); ok {
			t.Errorf("Encode %v accepted", p)
		}
	}
	if got := LonLatError(181, -0.5).Error(); got != "ERR invalid longitude,latitude pair 181.000000,-0.500000" {
		t.Errorf("LonLatError = %q", got)
	}
	for unit, want := range map[string]float64{"m": 1, "KM": 1000, "Ft": 0.3048, "mI": 1609.34} {
		if got, ok := ParseUnit(unit); !ok || got != want {
			t.Errorf("ParseUnit(%q) = %v %v", unit, got, ok)
		}
	}
	if _, ok := ParseUnit("meters"); ok {
		t.Error("ParseUnit accepted meters")
	}
}

func TestFormatDistance(t *testing.T) {
	cases := map[float64]string{
		0: "0.0000", math.Copysign(0, -1): "0.0000", 1: "1.0000", 0.00004: "0.0000",
		0.00005: "0.0000", 0.00015: "0.0001", // 0.00015*10^4 rounds below 1.5 0.7750: "0.7750", 12.3456789: "12.3457",
		57118425.765650004: "57118425.7656", 20037726.37: "20037726.3700",
		-1.5: "-1.5000", math.NaN(): "-922337203685477.5808",
	}
	for d, want := range cases {
		if got := FormatDistance(d); got != want {
			t.Errorf("FormatDistance(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestFormatCoord(t *testing.T) {
	cases := map[float64]string{
		0: "0", math.Copysign(0, -1): "0", 180: "180", -179.99999731779098511: "-179.99999731779098511",
		0.00000126736058093: "0.00000126736058093", 1e-20: "0", -1e-20: "0",
	}
	for x, want := range cases {
		if got := FormatCoord(x); got != want {
			t.Errorf("FormatCoord(%v) = %q, want %q", x, got, want)
		}
	}
}

func TestDistanceBasics(t *testing.T) {
	// Palermo to Catania, the Redis documentation's example: 166274.1516 m.
	p1, p2 := mustEncode(t, 13.361389, 38.115556), mustEncode(t, 15.087269, 37.502669)
	lon1, lat1 := Decode(p1)
	lon2, lat2 := Decode(p2)
	if got := FormatDistance(Distance(lon1, lat1, lon2, lat2)); got != "166274.1516" {
		t.Errorf("Palermo-Catania = %s", got)
	}
	if d := Distance(10, 20, 10, 20); d != 0 {
		t.Errorf("distance to self = %v", d)
	}
	// Same longitude: straight along the meridian.
	if d, want := Distance(5, 0, 5, 1), EarthRadiusMeters*degToRad; d != want {
		t.Errorf("one degree of latitude = %v, want %v", d, want)
	}
}

func mustEncode(t *testing.T, lon, lat float64) float64 {
	t.Helper()
	b, ok := Encode(lon, lat)
	if !ok {
		t.Fatalf("Encode(%v, %v) rejected", lon, lat)
	}
	return float64(b)
}

// TestAreasCoverShape checks the property the search relies on: every
// stored point within the shape falls in one of the ranges Areas returns.
func TestAreasCoverShape(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for i := 0; i < 300; i++ {
		s := &Shape{
			Lon: rng.Float64()*360 - 180, Lat: rng.Float64()*160 - 80,
			Conversion: 1, Radius: math.Pow(10, 1+rng.Float64()*5),
		}
		if i%2 == 1 {
			s.Box, s.Width, s.Height = true, 2*s.Radius, s.Radius
		}
		areas := s.Areas()
		if len(areas) == 0 || len(areas) > 9 {
			t.Fatalf("%+v: %d areas", s, len(areas))
		}
		for j := 0; j < 200; j++ {
			// Points near the centre, up to twice the size of the shape.
			dlat := (rng.Float64()*2 - 1) * 2 * s.Radius / 111000
			dlon := dlat * (rng.Float64()*2 - 1) / math.Max(math.Cos(s.Lat*math.Pi/180), 0.1)
			lon, lat := s.Lon+dlon, math.Max(LatMin, math.Min(LatMax, s.Lat+dlat))
			if lon < -180 || lon > 180 {
				continue
			}
			score := mustEncode(t, lon, lat)
			_, _, _, ok := s.Match(score)
			if !ok {
				continue
			}
			found := false
			for _, r := range areas {
				found = found || r.Contains(score)
			}
			if !found {
				t.Fatalf("%+v: matching point (%v, %v) lies in none of %v", s, lon, lat, areas)
			}
		}
	}
}

func TestHugeRadiusSkipsRepeats(t *testing.T) {
	// With a radius of thousands of km the step drops to 1 or 2 and
	// neighbours repeat; consecutive repeats are skipped.
	s := &Shape{Lon: 0, Lat: 0, Radius: 9000, Conversion: 1000}
	areas := s.Areas()
	for i := 1; i < len(areas); i++ {
		if areas[i] == areas[i-1] {
			t.Fatalf("consecutive repeated range in %v", areas)
		}
	}
	zero := &Shape{Lon: 1, Lat: 1, Conversion: 1}
	if got := zero.Areas(); len(got) == 0 {
		t.Fatal("a zero radius must still scan the centre cell")
	}
}

func BenchmarkDistance(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Distance(13.361389, 38.115556, 15.087269+float64(i&7), 37.502669)
	}
}

func BenchmarkMatch(b *testing.B) {
	s := &Shape{Lon: 13.36, Lat: 38.11, Radius: 200, Conversion: 1000}
	score := float64(3479099956230698)
	for i := 0; i < b.N; i++ {
		s.Match(score)
	}
}

func BenchmarkAreas(b *testing.B) {
	s := &Shape{Lon: 13.36, Lat: 38.11, Box: true, Width: 400, Height: 100, Conversion: 1000}
	for i := 0; i < b.N; i++ {
		s.Areas()
	}
}
