package server_test

import (
	"testing"

	"sundial/internal/testserver"
)

// Operator commands compared with Redis: MEMORY, SLOWLOG, LATENCY, OBJECT
// FREQ/IDLETIME by policy, maxmemory under noeviction, CONFIG SET of the
// memory directives. Cases that change the configuration restore it on
// their last line (the servers are shared).
func TestDiffOps(t *testing.T) {
	diff(t, []testserver.Case{
		// MEMORY USAGE (Redis 7.0: nil for a missing key).
		C("memory usage missing", "MEMORY USAGE nokey", "MEMORY USAGE nokey SAMPLES 0", "MEMORY USAGE nokey samples 10"),
		C("memory usage existing", "SET k v", "!MEMORY USAGE k", "!MEMORY USAGE k SAMPLES 0", "HSET h f v", "!MEMORY USAGE h SAMPLES 3"),
		C("memory usage arity", "MEMORY USAGE", "MEMORY"),
		C("memory usage bad samples", "SET k v", "MEMORY USAGE k SAMPLES", "MEMORY USAGE k SAMPLES -1",
			"MEMORY USAGE k SAMPLES x", "MEMORY USAGE k SAMPLES 1.5", "MEMORY USAGE k FOO 1", "MEMORY USAGE k SAMPLES 1 SAMPLES",
			"MEMORY USAGE nokey SAMPLES x", "MEMORY USAGE nokey BAR"),
		// MEMORY USAGE finds a key without expiring it, so until something
		// reclaims an expired key its size is still reported. Both cases pin
		// the reclaiming down: the active cycle is off, or a read expires it.
		C("memory usage expired key", "DEBUG SET-ACTIVE-EXPIRE 0", "SET k v PX 1", "@sleep 5",
			"!MEMORY USAGE k", "GET k", "MEMORY USAGE k", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("memory subcommands", "MEMORY HELP", "MEMORY FOO", "MEMORY STATS x", "MEMORY DOCTOR x",
			"MEMORY PURGE x", "MEMORY MALLOC-STATS x", "MEMORY HELP x", "MEMORY PURGE"),
		C("memory reports", "SET k v", "!MEMORY STATS", "!MEMORY DOCTOR", "!MEMORY MALLOC-STATS"),

		// SLOWLOG.
		C("slowlog reset len", "SLOWLOG RESET", "SLOWLOG LEN", "SLOWLOG GET", "SLOWLOG GET 0", "SLOWLOG GET -1"),
		C("slowlog help", "SLOWLOG HELP"),
		C("slowlog errors", "SLOWLOG", "SLOWLOG FOO", "SLOWLOG LEN x", "SLOWLOG RESET x", "SLOWLOG HELP x",
			"SLOWLOG GET -2", "SLOWLOG GET x", "SLOWLOG GET 1.5", "SLOWLOG GET 1 2"),
		C("slowlog logging everything",
			"CONFIG SET slowlog-log-slower-than 0", "SLOWLOG RESET", "SET a b", "GET a", "SLOWLOG LEN",
			"!SLOWLOG GET", "!SLOWLOG GET 1", "SLOWLOG LEN",
			"CONFIG SET slowlog-max-len 2", "SLOWLOG LEN", "CONFIG SET slowlog-max-len 128",
			"CONFIG SET slowlog-log-slower-than -1", "SLOWLOG RESET", "SET a c", "SLOWLOG LEN",
			"CONFIG SET slowlog-log-slower-than 10000", "SLOWLOG RESET"),
		C("slowlog config", "CONFIG GET slowlog-log-slower-than", "CONFIG GET slowlog-max-len"),

		// LATENCY with the monitor off (the default).
		C("latency off", "LATENCY LATEST", "LATENCY HISTORY command", "LATENCY RESET", "LATENCY RESET command fork",
			"LATENCY DOCTOR", "LATENCY GRAPH command"),
		C("latency help and errors", "LATENCY HELP", "LATENCY", "LATENCY FOO", "LATENCY HISTORY", "LATENCY GRAPH",
			"LATENCY LATEST x", "LATENCY DOCTOR x", "LATENCY HISTORY a b", "LATENCY HELP x"),
		C("latency histogram", "SET a b", "!LATENCY HISTOGRAM set", "LATENCY HISTOGRAM nosuchcommand"),

		// OBJECT FREQ and IDLETIME follow the policy.
		C("object freq under lru", "SET k v", "OBJECT FREQ k", "OBJECT FREQ nokey", "OBJECT IDLETIME k",
			"CONFIG SET maxmemory-policy allkeys-lru", "OBJECT FREQ k", "CONFIG SET maxmemory-policy noeviction"),
		C("object freq under lfu",
			"CONFIG SET maxmemory-policy allkeys-lfu",
			"SET k v", "OBJECT FREQ k", "GET k", "OBJECT FREQ k", "OBJECT IDLETIME k", "OBJECT FREQ nokey",
			"SET k2 v", "SET k2 v2", "OBJECT FREQ k2",
			"HSET h f v", "HSET h g w", "OBJECT FREQ h",
			"SET e v", "EXPIRE e 100", "OBJECT FREQ e",
			"SET n v", "EXISTS n", "TYPE n", "TTL n", "OBJECT FREQ n",
			"CONFIG SET maxmemory-policy volatile-lfu", "SET v x", "OBJECT FREQ v",
			"CONFIG SET maxmemory-policy noeviction", "OBJECT FREQ v"),

		// maxmemory under noeviction: writes refused, reads and deletes
		// served, MULTI doomed.
		C("noeviction oom",
			"SET keep 1",
			"CONFIG SET maxmemory 1", "SET a b", "GET keep", "GET a", "EXISTS keep", "DEL a", "INCR keep",
			"APPEND keep x", "EXPIRE keep 100", "PING",
			"MULTI", "GET keep", "EXEC",
			"MULTI", "DISCARD",
			"DEL keep", "SET x y",
			"CONFIG SET maxmemory 0", "SET a b", "GET a"),

		// The memory directives.
		C("config maxmemory-policy",
			"CONFIG GET maxmemory-policy",
			"CONFIG SET maxmemory-policy allkeys-lru", "CONFIG GET maxmemory-policy",
			"CONFIG SET maxmemory-policy VOLATILE-TTL", "CONFIG GET maxmemory-policy",
			"CONFIG SET maxmemory-policy allkeys-random", "CONFIG SET maxmemory-policy volatile-random",
			"CONFIG SET maxmemory-policy volatile-lru", "CONFIG SET maxmemory-policy volatile-lfu",
			"CONFIG SET maxmemory-policy allkeys-lfu",
			"CONFIG SET maxmemory-policy lru", "CONFIG SET maxmemory-policy", "CONFIG SET maxmemory-policy \"\"",
			"CONFIG SET maxmemory-policy noeviction", "CONFIG GET maxmemory-policy"),
		C("config maxmemory",
			"CONFIG GET maxmemory", "CONFIG SET maxmemory 100mb", "CONFIG GET maxmemory",
			"CONFIG SET maxmemory 1gb", "CONFIG GET maxmemory", "CONFIG SET maxmemory -1", "CONFIG SET maxmemory abc",
			"CONFIG SET maxmemory 0", "CONFIG GET maxmemory",
			"CONFIG GET maxmemory-samples", "CONFIG SET maxmemory-samples 10",
			"CONFIG GET maxmemory-samples", "CONFIG SET maxmemory-samples 5",
			"~CONFIG GET lfu-*", "CONFIG SET lfu-log-factor -1", "CONFIG SET lfu-decay-time x",
			"CONFIG GET latency-monitor-threshold"),
	})
}
