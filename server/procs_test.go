package server

import (
	"runtime"
	"testing"
)

func TestSetProcs(t *testing.T) {
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)

	if got := SetProcs(3); got != 3 || runtime.GOMAXPROCS(0) != 3 {
		t.Fatalf("SetProcs(3) = %d, GOMAXPROCS %d; want 3", got, runtime.GOMAXPROCS(0))
	}
	runtime.GOMAXPROCS(8)
	t.Setenv("GOMAXPROCS", "")
	if got := SetProcs(0); got != 4 || runtime.GOMAXPROCS(0) != 4 {
		t.Fatalf("automatic with 8 CPUs: SetProcs(0) = %d, GOMAXPROCS %d; want 4", got, runtime.GOMAXPROCS(0))
	}
	runtime.GOMAXPROCS(1)
	if got := SetProcs(0); got != 1 {
		t.Fatalf("automatic with 1 CPU: SetProcs(0) = %d; want 1", got)
	}
	runtime.GOMAXPROCS(6)
	t.Setenv("GOMAXPROCS", "6")
	if got := SetProcs(0); got != 6 || runtime.GOMAXPROCS(0) != 6 {
		t.Fatalf("GOMAXPROCS in the environment: SetProcs(0) = %d, GOMAXPROCS %d; want it left at 6", got, runtime.GOMAXPROCS(0))
	}
}
