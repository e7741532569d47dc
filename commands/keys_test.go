package commands

import (
	"strconv"
	"strings"
	"testing"

	"sundial/config"
	"sundial/keyspace"
)

// kindValue is a value of any kind, to check the generic commands over
// every type without depending on each type's implementation.
type kindValue struct{ k keyspace.Kind }

func (v kindValue) Kind() keyspace.Kind          { return v.k }
func (v kindValue) Encoding() string             { return "enc-" + v.k.String() }
func (v kindValue) Clone() keyspace.Value        { return v }
func (v kindValue) MemoryUsage() int             { return 1 }
func (v kindValue) AppendBinary(b []byte) []byte { return b }

// runKeysCmd executes one command on a fresh client and returns the raw reply.
func runKeysCmd(t *testing.T, e *Engine, c *Client, args ...string) string {
	t.Helper()
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	e.Mu.Lock()
	defer e.Mu.Unlock()
	c.B = c.B[:0]
	e.Exec(c, argv)
	return string(c.B)
}

func TestTypeAndEncodingOfEveryKind(t *testing.T) {
	e := NewEngine(config.New(), nil)
	c := e.NewClient(nil, "", "")
	kinds := []keyspace.Kind{keyspace.KindString, keyspace.KindList, keyspace.KindSet, keyspace.KindZSet,
		keyspace.KindHash, keyspace.KindStream, keyspace.KindTau}
	want := []string{"string", "list", "set", "zset", "hash", "stream", "tau"}
	for i, k := range kinds {
		key := "k" + want[i]
		c.DB.Add(key, kindValue{k})
		if got := runKeysCmd(t, e, c, "TYPE", key); got != "+"+want[i]+"\r\n" {
			t.Errorf("TYPE of a %s: %q", want[i], got)
		}
		if got := runKeysCmd(t, e, c, "OBJECT", "ENCODING", key); got != "$"+strconv.Itoa(len("enc-"+want[i]))+"\r\nenc-"+want[i]+"\r\n" {
			t.Errorf("OBJECT ENCODING of a %s: %q", want[i], got)
		}
		if got := runKeysCmd(t, e, c, "SCAN", "0", "TYPE", strings.ToUpper(want[i]), "COUNT", "100"); !strings.Contains(got, key) {
			t.Errorf("SCAN TYPE %s does not list %s: %q", want[i], key, got)
		}
	}
}

func TestCRC64MatchesRedis(t *testing.T) {
	// The check value of Redis's crc64.c self-test.
	if got := redisCRC64(0, []byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("crc64(123456789) = %#x", got)
	}
	// Incremental use gives the same result.
	if got := redisCRC64(redisCRC64(0, []byte("1234")), []byte("56789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("incremental crc64 = %#x", got)
	}
}
