package commands

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"sundial/keyspace"
)

// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE]
// [AUTH password] [AUTH2 username password] [KEYS key ...], as Redis
// 7.0's migrateCommand: the keys are sent as RESTORE commands (with
// AUTH and SELECT first when needed) over a connection kept for reuse,
// and those the target accepted are deleted here unless COPY is given.
// Like Redis, the command holds the server while it talks to the target,
// so the move is atomic; the timeout bounds each network operation.

const (
	errMigrateKeysArg = "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string"
	errMigrateConnect = "IOERR error or timeout connecting to the client"
)

// Redis's MIGRATE_SOCKET_CACHE_ITEMS and MIGRATE_SOCKET_CACHE_TTL.
const (
	migrateCacheItems = 64
	migrateCacheTTL   = 10 * time.Second
	migrateChunk      = 64 * 1024
	// migrateLineMax is the longest reply line Redis reads from the
	// target (a 1024-byte buffer with its NUL).
	migrateLineMax = 1023
)

// migrateConn is a cached connection to a target.
type migrateConn struct {
	conn    net.Conn
	rd      *bufio.Reader
	lastDB  int64 // -1: unknown, SELECT needed
	lastUse time.Time
}

// migrateSockets caches connections per engine and "host:port" as the
// command names them. A connection is taken out while in use.
var migrateSockets = struct {
	sync.Mutex
	conns map[*Engine]map[string]*migrateConn
}{conns: make(map[*Engine]map[string]*migrateConn)}

// migrateTake returns the cached connection to name, or nil.
func (e *Engine) migrateTake(name string) *migrateConn {
	migrateSockets.Lock()
	defer migrateSockets.Unlock()
	cs := migrateSockets.conns[e][name]
	if cs != nil {
		delete(migrateSockets.conns[e], name)
	}
	return cs
}

// migratePut caches a connection for reuse; it is closed once unused for
// migrateCacheTTL (Redis checks every second from its cron). When the
// cache is full an arbitrary connection is dropped, as Redis drops a
// random one.
func (e *Engine) migratePut(name string, cs *migrateConn) {
	migrateSockets.Lock()
	defer migrateSockets.Unlock()
	m := migrateSockets.conns[e]
	if m == nil {
		m = make(map[string]*migrateConn)
		migrateSockets.conns[e] = m
	}
	if len(m) >= migrateCacheItems {
		for k, old := range m {
			old.conn.Close()
			delete(m, k)
			break
		}
	}
	cs.lastUse = time.Now()
	m[name] = cs
	time.AfterFunc(migrateCacheTTL+time.Second, func() { e.migrateSweep() })
}

// migrateSweep closes the connections unused for longer than the TTL.
func (e *Engine) migrateSweep() {
	migrateSockets.Lock()
	defer migrateSockets.Unlock()
	m := migrateSockets.conns[e]
	for name, cs := range m {
		if time.Since(cs.lastUse) > migrateCacheTTL {
			cs.conn.Close()
			delete(m, name)
		}
	}
	if len(m) == 0 {
		delete(migrateSockets.conns, e)
	}
}

// migrateArgs are MIGRATE's parsed arguments.
type migrateArgs struct {
	host, port         string
	db, timeout        int64
	copy, replace      bool
	username, password []byte
	auth               bool
	keys               [][]byte
}

func parseMigrate(c *Client, args [][]byte) (*migrateArgs, bool) {
	a := &migrateArgs{host: string(args[1]), port: string(args[2]), keys: args[3:4]}
	for j := 6; j < len(args); j++ {
		more := len(args) - 1 - j
		switch argKeyword(args[j]) {
		case "copy":
			a.copy = true
		case "replace":
			a.replace = true
		case "auth":
			if more < 1 {
				c.Error(errSyntax)
				return nil, false
			}
			j++
			a.auth, a.password = true, args[j]
		case "auth2":
			if more < 2 {
				c.Error(errSyntax)
				return nil, false
			}
			a.auth, a.username, a.password = true, args[j+1], args[j+2]
			j += 2
		case "keys":
			if len(args[3]) != 0 {
				c.Error(errMigrateKeysArg)
				return nil, false
			}
			a.keys = args[j+1:]
			j = len(args)
		default:
			c.Error(errSyntax)
			return nil, false
		}
	}
	var ok bool
	if a.timeout, ok = argInt64(c, args[5]); !ok {
		return nil, false
	}
	if a.db, ok = argInt64(c, args[4]); !ok {
		return nil, false
	}
	if a.timeout <= 0 {
		a.timeout = 1000
	}
	return a, true
}

// migrateKey is a key to move with its entry.
type migrateKey struct {
	key []byte
	ent *keyspace.Entry
}

func cmdMigrate(c *Client, args [][]byte) {
	a, ok := parseMigrate(c, args)
	if !ok {
		return
	}
	var keys []migrateKey
	for _, k := range a.keys {
		if ent := c.LookupRead(k); ent != nil {
			keys = append(keys, migrateKey{k, ent})
		}
	}
	if len(keys) == 0 {
		c.Simple("NOKEY")
		return
	}
	timeout := time.Duration(a.timeout) * time.Millisecond
	name := a.host + ":" + a.port
	o := c.dumpOptions()
	for retry := true; ; retry = false {
		cs := c.e.migrateTake(name)
		var res int
		var err error
		if cs == nil {
			var conn net.Conn
			if conn, err = dialMigrate(a.host, a.port, timeout); errors.Is(err, errMigrateResolve) {
				c.Error(errMigrateConnect)
				return
			}
			if err == nil {
				cs = &migrateConn{conn: conn, rd: bufio.NewReader(conn), lastDB: -1}
			}
			// Redis connects without blocking and takes a connection
			// that failed to establish for one whose writes fail.
			res = migrateWriteFailed
		}
		if cs != nil {
			res, err = c.migrateOnce(cs, a, keys, o, timeout, retry)
			switch res {
			case migrateReplied:
				c.e.migratePut(name, cs)
				return
			case migrateRepliedClose:
				cs.conn.Close()
				return
			}
			cs.conn.Close()
		}
		if !retry || isTimeout(err) {
			verb := "reading"
			if res == migrateWriteFailed {
				verb = "writing"
			}
			c.Error("IOERR error or timeout " + verb + " to target instance")
			return
		}
	}
}

// errMigrateResolve is a target address that does not resolve.
var errMigrateResolve = errors.New("cannot resolve the target")

// dialMigrate connects to the target. A port is read as C's atoi reads
// it and a host name must resolve (errMigrateResolve otherwise), as
// Redis's anetTcpNonBlockConnect needs; any other failure comes from the
// connection itself.
func dialMigrate(host, port string, timeout time.Duration) (net.Conn, error) {
	p := atoi(port)
	if p < 0 || host == "" {
		return nil, errMigrateResolve
	}
	conn, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(p&0xffff)), timeout)
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return nil, errMigrateResolve
	}
	if err != nil {
		return nil, err
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetNoDelay(true)
	}
	return conn, nil
}

// Outcomes of an attempt to send the keys.
const (
	migrateReplied      = iota // replied; the connection stays cached
	migrateRepliedClose        // replied with the target's error; the connection failed after it
	migrateWriteFailed         // the connection failed while sending
	migrateReadFailed          // the connection failed while reading the replies
)

// migrateOnce sends the keys over cs and handles the replies, replying
// to the client unless the connection failed (migrateWriteFailed or
// migrateReadFailed with the error), in which case the caller retries or
// replies an I/O error. mayRetry tells whether a failure to read the
// first RESTORE reply may still be retried: nothing was moved yet.
func (c *Client) migrateOnce(cs *migrateConn, a *migrateArgs, keys []migrateKey, o rdbSaveOptions,
	timeout time.Duration, mayRetry bool) (int, error) {
	var cmd []byte
	if a.auth {
		if a.username != nil {
			cmd = appendCommand(cmd, []byte("AUTH"), a.username, a.password)
		} else {
			cmd = appendCommand(cmd, []byte("AUTH"), a.password)
		}
	}
	sel := cs.lastDB != a.db
	if sel {
		cmd = appendCommand(cmd, []byte("SELECT"), strconv.AppendInt(nil, a.db, 10))
	}
	// Keys that expired since they were looked up are left out.
	now := time.Now().UnixMilli()
	sent := keys[:0:0]
	for _, k := range keys {
		ttl := int64(0)
		if k.ent.Expire != 0 {
			if ttl = k.ent.Expire - now; ttl < 0 {
				continue
			}
			ttl = max(ttl, 1)
		}
		sent = append(sent, k)
		argv := [][]byte{[]byte("RESTORE"), k.key, strconv.AppendInt(nil, ttl, 10), dumpPayload(k.ent.Value, o)}
		if a.replace {
			argv = append(argv, []byte("REPLACE"))
		}
		cmd = appendCommand(cmd, argv...)
	}
	for pos := 0; pos < len(cmd); pos += migrateChunk {
		cs.conn.SetWriteDeadline(time.Now().Add(timeout))
		if _, err := cs.conn.Write(cmd[pos:min(pos+migrateChunk, len(cmd))]); err != nil {
			return migrateWriteFailed, err
		}
	}
	var authReply, selReply string
	var err error
	if a.auth {
		if authReply, err = cs.readLine(timeout); err != nil {
			return migrateReadFailed, err
		}
	}
	if sel {
		if selReply, err = cs.readLine(timeout); err != nil {
			return migrateReadFailed, err
		}
	}
	var deleted [][]byte
	targetErr := ""
	for j, k := range sent {
		reply, err := cs.readLine(timeout)
		if err != nil {
			if targetErr == "" && j == 0 && mayRetry && !isTimeout(err) {
				return migrateReadFailed, err
			}
			c.migrated(a, deleted)
			if targetErr != "" {
				c.Error(targetErr)
				return migrateRepliedClose, nil
			}
			return migrateReadFailed, errors.Join(err, errNoRetry)
		}
		switch {
		case a.auth && authReply[0] == '-':
			reply = authReply
		case sel && selReply[0] == '-':
			reply = selReply
		}
		if reply[0] == '-' {
			if targetErr == "" {
				cs.lastDB = -1
				targetErr = "ERR Target instance replied with error: " + reply[1:]
			}
			continue
		}
		if !a.copy {
			c.DB.Remove(k.ent)
			c.Touched(k.key)
			c.Notify(notifyGeneric, "del", k.key)
			deleted = append(deleted, k.key)
		}
	}
	c.migrated(a, deleted)
	if targetErr != "" {
		c.Error(targetErr)
		return migrateReplied, nil
	}
	cs.lastDB = a.db
	c.OK()
	return migrateReplied, nil
}

// errNoRetry marks a failure after which MIGRATE must not retry: some
// keys may have been restored already.
var errNoRetry = errors.New("no retry")

// migrated propagates the deletion of the keys the target accepted, as
// DEL.
func (c *Client) migrated(a *migrateArgs, deleted [][]byte) {
	if a.copy || len(deleted) == 0 {
		return
	}
	c.Rewrite(append([][]byte{[]byte("DEL")}, deleted...)...)
	c.Dirty(len(deleted))
}

// isTimeout reports a timed-out network operation (Redis's ETIMEDOUT),
// after which MIGRATE does not retry; so does errNoRetry.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, errNoRetry) || (errors.As(err, &ne) && ne.Timeout())
}

// readLine reads a reply line without its CRLF, as Redis's syncReadLine
// into a 1024-byte buffer: an empty line is an error too.
func (cs *migrateConn) readLine(timeout time.Duration) (string, error) {
	cs.conn.SetReadDeadline(time.Now().Add(timeout))
	line, err := cs.rd.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if line == "" {
		return "", errors.New("empty reply line")
	}
	return line[:min(len(line), migrateLineMax)], nil
}

// appendCommand appends argv as a RESP array of bulk strings.
func appendCommand(b []byte, argv ...[]byte) []byte {
	b = fmt.Appendf(b, "*%d\r\n", len(argv))
	for _, a := range argv {
		b = fmt.Appendf(b, "$%d\r\n", len(a))
		b = append(append(b, a...), '\r', '\n')
	}
	return b
}

// atoi is C's atoi: optional space and sign, then the leading digits
// (0 when there are none).
func atoi(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	n := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9' && n < 1<<20; i++ {
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}

// migrateKeyFlags are the flags of MIGRATE's keys.
var migrateKeyFlags = []string{"RW", "access", "delete"}

// migrateGetKeys finds MIGRATE's key arguments (args[0] is the command
// name) as Redis 7.0 does: by its key specs (the key argument, and the
// keys after a KEYS searched for from the second-to-last argument
// backwards), unless that KEYS is found: its spec is incomplete, so
// Redis parses the options as migrateGetKeys, skipping AUTH's and
// AUTH2's arguments; KEYS with a non-empty key argument finds nothing.
func migrateGetKeys(args [][]byte) ([][]byte, bool) {
	if len(args) < 4 {
		return nil, false
	}
	found := false
	for i := len(args) - 2; i >= 1 && !found; i-- {
		found = strings.EqualFold(string(args[i]), "keys")
	}
	if !found {
		return args[3:4], true
	}
	first, num := 3, 1
	for i := 6; i < len(args); i++ {
		switch strings.ToLower(string(args[i])) {
		case "keys":
			if len(args[3]) > 0 {
				return nil, false
			}
			first, num = i+1, len(args)-i-1
			i = len(args)
		case "auth":
			i++
		case "auth2":
			i += 2
		}
	}
	return args[first : first+num], num > 0
}

// migrateKeysWithFlags is migrateGetKeys for COMMAND GETKEYSANDFLAGS and
// ACL key checks.
func migrateKeysWithFlags(args [][]byte) ([]keyWithFlags, bool) {
	keys, ok := migrateGetKeys(args)
	out := make([]keyWithFlags, len(keys))
	for i, k := range keys {
		out[i] = keyWithFlags{k, migrateKeyFlags}
	}
	return out, ok
}
