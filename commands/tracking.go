package commands

import (
	"slices"
	"strconv"
	"strings"

	"sundial/keyspace"
)

// Client-side caching (CLIENT TRACKING), as Redis 7.0's tracking.c: the
// server remembers which clients read which keys and, when a key changes,
// tells them to drop it. Key names are tracked globally, across
// keyspaces, as in Redis.

// trackingState is a client's CLIENT TRACKING configuration; nil when
// tracking is off.
type trackingState struct {
	bcast, optin, optout, noloop bool
	// caching is CLIENT CACHING YES (OPTIN) or NO (OPTOUT) given for the
	// next command.
	caching bool
	// brokenRedir is set once the redirection target was found gone.
	brokenRedir bool
	redirect    int64    // client receiving the invalidations, 0: self
	prefixes    []string // BCAST prefixes, sorted
}

// trackingRegistry is the server side of client-side caching.
type trackingRegistry struct {
	// table maps a key name to the IDs of clients that may cache it.
	// Entries of clients that went away are dropped lazily.
	table map[string][]int64
	items int // IDs stored across table
	// prefixes holds the BCAST subscriptions; names keeps their names
	// sorted, the order in which Redis's radix tree sends them.
	prefixes map[string]*bcastPrefix
	names    []string
	// bcastDirty: some prefix has modified keys to announce.
	bcastDirty bool
	// pending are invalidations for the client running the current
	// command: they are sent after its reply, as Redis 7.0 does.
	pending []pendingInvalidation
}

// bcastPrefix is one BCAST prefix: its subscribers and the keys modified
// since the last announcement, each with the first client that changed it
// (NOLOOP skips a client's own changes).
type bcastPrefix struct {
	clients []*Client
	keys    map[string]*Client
}

type pendingInvalidation struct {
	c     *Client
	key   []byte
	flush bool // every key (FLUSHDB/FLUSHALL): a null instead of a key list
}

// invalidation payload kinds of trackingSend.
const (
	invKey   = iota // one key
	invFlush        // RESP null: every key
	invRaw          // a prebuilt RESP array of keys (BCAST)
)

// trackingAfterCall runs after every command executed by call: a read
// remembers its keys for a tracking client; at the end of a top-level
// command the deferred invalidations go out (the BCAST announcements
// once blocked clients were served too: afterCall).
func (e *Engine) trackingAfterCall(c *Client, spec *Spec, args [][]byte) {
	e.trackingRead(c, spec, args)
	if t := c.tracking; t != nil {
		// CLIENT CACHING lasts for one command (a whole transaction);
		// other CLIENT subcommands do not consume it.
		if e.execDepth == 0 && c.multi == nil && !isClientCommand(spec) {
			t.caching = false
		}
	}
	if e.execDepth > 0 {
		return
	}
	// A lowered tracking-table-max-keys takes effect at the next command
	// (Redis checks before every command and in its cron).
	if len(e.tracking.table) > 0 {
		e.trackingLimit()
	}
	e.trackingFlushPending()
	e.dropSlowClients()
}

// trackingRead remembers the keys a read-only command fetched for the
// client that may cache them. As in Redis, a read inside a script makes
// the script's caller track every key the script declared, and EVAL_RO,
// EVALSHA_RO and FCALL_RO track nothing by themselves: only the commands
// they run count.
func (e *Engine) trackingRead(c *Client, spec *Spec, args [][]byte) {
	if spec.Flags&FlagReadonly == 0 || isReadOnlyScript(spec) {
		return
	}
	if caller := e.scriptCaller(c); caller != c {
		if caller == nil || caller.cmd == nil {
			return
		}
		c, spec, args = caller, caller.cmd, caller.args
	}
	if t := c.tracking; t != nil && !t.bcast && t.cachesNext() {
		e.trackingRemember(c, spec, args)
	}
}

func isReadOnlyScript(s *Spec) bool {
	switch s.Name {
	case "eval_ro", "evalsha_ro", "fcall_ro":
		return true
	}
	return false
}

// scriptCaller returns the client whose script runs the command c
// executes (c itself outside scripts): Redis's server.current_client.
func (e *Engine) scriptCaller(c *Client) *Client {
	if c != nil && c.inScript && e.scripts.run != nil {
		return e.scripts.run.caller
	}
	return c
}

// cachesNext reports whether the client caches what the current command
// reads: by default yes; OPTIN only after CLIENT CACHING YES, OPTOUT
// unless CLIENT CACHING NO.
func (t *trackingState) cachesNext() bool {
	return !(t.optin && !t.caching || t.optout && t.caching)
}

func isClientCommand(s *Spec) bool {
	return s.Name == "client" || s.parent != nil && s.parent.Name == "client"
}

// trackingRemember records that c may now cache the keys of a read.
func (e *Engine) trackingRemember(c *Client, spec *Spec, args [][]byte) {
	keys, _ := commandKeys(spec, args)
	if len(keys) == 0 {
		return
	}
	t := &e.tracking
	if t.table == nil {
		t.table = make(map[string][]int64)
	}
	for _, k := range keys {
		ids := t.table[string(k)]
		if slices.Contains(ids, c.ID) {
			continue
		}
		t.table[string(k)] = append(ids, c.ID)
		t.items++
	}
	e.trackingLimit()
}

// trackingLimit keeps the table within tracking-table-max-keys by
// invalidating keys as if they were modified (Redis's
// trackingLimitUsedSlots; Go's map order stands in for its random walk).
func (e *Engine) trackingLimit() {
	t := &e.tracking
	max := e.trackingMaxKeys()
	if max == 0 || len(t.table) <= max {
		return
	}
	for k := range t.table {
		if len(t.table) <= max {
			break
		}
		e.trackingInvalidateKey(nil, []byte(k), false)
	}
}

func (e *Engine) trackingMaxKeys() int {
	v, _ := e.Cfg.Get("tracking-table-max-keys")
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// trackingInvalidate is called for every modified key (c is the client
// that modified it, nil for expiry).
func (e *Engine) trackingInvalidate(c *Client, db *keyspace.DB, key []byte) {
	e.trackingInvalidateKey(c, key, true)
}

func (e *Engine) trackingInvalidateKey(c *Client, key []byte, bcast bool) {
	t := &e.tracking
	if bcast && len(t.prefixes) > 0 {
		e.trackingNoteBroadcast(c, key)
	}
	if len(t.table) == 0 {
		return
	}
	ids, ok := t.table[string(key)]
	if !ok {
		return
	}
	delete(t.table, string(key))
	t.items -= len(ids)
	for _, id := range ids {
		tc := e.clients[id]
		if tc == nil || tc.tracking == nil || tc.tracking.bcast {
			continue
		}
		// NOLOOP leaves out the client running the command (the caller
		// of a script; for an expiry, whoever's command met it), as
		// Redis compares with server.current_client.
		if tc.tracking.noloop && (tc == e.scriptCaller(c) || c == nil && tc.cmd != nil) {
			continue
		}
		if tc.cmd != nil {
			// The key changed while tc's own command runs: tell it
			// after the reply.
			t.pending = append(t.pending, pendingInvalidation{c: tc, key: append([]byte(nil), key...)})
			continue
		}
		e.trackingSend(tc, key, invKey)
	}
	if e.execDepth == 0 {
		e.dropSlowClients()
	}
}

// trackingFlush tells every tracking client that all keys changed
// (FLUSHDB, FLUSHALL) and empties the table.
func (e *Engine) trackingFlush(c *Client) {
	t := &e.tracking
	for _, x := range e.clients {
		if x.tracking == nil {
			continue
		}
		if x.cmd != nil {
			t.pending = append(t.pending, pendingInvalidation{c: x, flush: true})
			continue
		}
		e.trackingSend(x, nil, invFlush)
	}
	t.table = nil
	t.items = 0
}

// trackingFlushPending sends the invalidations deferred until the end of
// the current command.
func (e *Engine) trackingFlushPending() {
	t := &e.tracking
	if len(t.pending) == 0 {
		return
	}
	for _, p := range t.pending {
		if p.c.closed || p.c.tracking == nil {
			continue
		}
		if p.flush {
			e.trackingSend(p.c, nil, invFlush)
		} else {
			e.trackingSend(p.c, p.key, invKey)
		}
	}
	clear(t.pending)
	t.pending = t.pending[:0]
}

// trackingSend delivers one invalidation for tracking client tc, to the
// client it redirects to if any. Invalidations are pushes: CLIENT REPLY
// OFF does not silence them (Redis 7.0.15). payload is the key (invKey) or the
// prebuilt key array (invRaw).
func (e *Engine) trackingSend(tc *Client, payload []byte, kind int) {
	to, redirected := tc, false
	if id := tc.tracking.redirect; id != 0 {
		r := e.clients[id]
		if r == nil || r.closed {
			tc.tracking.brokenRedir = true
			// Only a RESP3 connection can be told out of band.
			if tc.Proto > 2 {
				start := len(tc.B)
				tc.Push(2)
				tc.BulkString("tracking-redir-broken")
				tc.Int(id)
				tc.pushDone(start)
				e.pushed(tc)
			}
			return
		}
		to, redirected = r, true
	}
	start := len(to.B)
	switch {
	case to.Proto > 2:
		to.Push(2)
		to.BulkString("invalidate")
	case redirected && to.subscribed():
		// RESP2 redirection: a message on __redis__:invalidate.
		to.Array(3)
		to.BulkString("message")
		to.BulkString("__redis__:invalidate")
	default:
		return // RESP2 without redirection cannot be told
	}
	switch kind {
	case invKey:
		to.Array(1)
		to.Bulk(payload)
	case invFlush:
		// The null is the tracking client's own, as in Redis.
		if tc.Proto > 2 {
			to.Raw([]byte("_\r\n"))
		} else {
			to.Raw([]byte("$-1\r\n"))
		}
	case invRaw:
		to.Raw(payload)
	}
	to.pushDone(start)
	e.pushed(to)
}

// trackingNoteBroadcast records key for the BCAST prefixes it matches.
func (e *Engine) trackingNoteBroadcast(c *Client, key []byte) {
	t := &e.tracking
	for _, name := range t.names {
		if len(name) > len(key) || string(key[:len(name)]) != name {
			continue
		}
		p := t.prefixes[name]
		if p.keys == nil {
			p.keys = make(map[string]*Client)
		}
		if _, ok := p.keys[string(key)]; !ok {
			p.keys[string(key)] = c
		}
		t.bcastDirty = true
	}
	if e.execDepth == 0 {
		// Not inside a command (active expiry): announce at once.
		e.trackingBroadcast()
	}
}

// trackingBroadcast sends each BCAST prefix's modified keys, sorted, to
// its subscribers, leaving out for NOLOOP clients the keys they changed.
func (e *Engine) trackingBroadcast() {
	t := &e.tracking
	if !t.bcastDirty {
		return
	}
	t.bcastDirty = false
	for _, name := range slices.Clone(t.names) {
		p := t.prefixes[name]
		if p == nil || len(p.keys) == 0 {
			continue
		}
		keys := make([]string, 0, len(p.keys))
		for k := range p.keys {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		all := appendKeyArray(nil, keys, p.keys, nil)
		for _, x := range slices.Clone(p.clients) {
			if x.closed || x.tracking == nil {
				continue
			}
			if x.tracking.noloop {
				if own := appendKeyArray(nil, keys, p.keys, x); own != nil {
					e.trackingSend(x, own, invRaw)
				}
				continue
			}
			e.trackingSend(x, all, invRaw)
		}
		clear(p.keys)
	}
}

// appendKeyArray encodes keys as a RESP array, leaving out those first
// changed by skip (nil: none). It returns nil when nothing is left.
func appendKeyArray(b []byte, keys []string, by map[string]*Client, skip *Client) []byte {
	n := 0
	for _, k := range keys {
		if skip == nil || by[k] != skip {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, '\r', '\n')
	for _, k := range keys {
		if skip != nil && by[k] == skip {
			continue
		}
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(k)), 10)
		b = append(b, '\r', '\n')
		b = append(b, k...)
		b = append(b, '\r', '\n')
	}
	return b
}

// enableTracking turns tracking on (or reconfigures it) for c.
func (e *Engine) enableTracking(c *Client, redirect int64, o trackingState, prefixes []string) {
	if c.tracking == nil {
		c.tracking = &trackingState{}
	}
	t := c.tracking
	t.brokenRedir = false
	t.redirect = redirect
	t.bcast, t.optin, t.optout, t.noloop = o.bcast, o.optin, o.optout, o.noloop
	if o.bcast {
		if len(prefixes) == 0 {
			e.addBcastPrefix(c, "")
		}
		for _, p := range prefixes {
			e.addBcastPrefix(c, p)
		}
	}
}

func (e *Engine) addBcastPrefix(c *Client, name string) {
	t := &e.tracking
	if t.prefixes == nil {
		t.prefixes = make(map[string]*bcastPrefix)
	}
	p := t.prefixes[name]
	if p == nil {
		p = &bcastPrefix{}
		t.prefixes[name] = p
		i, _ := slices.BinarySearch(t.names, name)
		t.names = slices.Insert(t.names, i, name)
	}
	if slices.Contains(p.clients, c) {
		return
	}
	p.clients = append(p.clients, c)
	if i, found := slices.BinarySearch(c.tracking.prefixes, name); !found {
		c.tracking.prefixes = slices.Insert(c.tracking.prefixes, i, name)
	}
}

// resetTracking turns tracking off for c (CLIENT TRACKING OFF, RESET,
// disconnect). Its entries in the key table are dropped lazily.
func (e *Engine) resetTracking(c *Client) {
	if c.tracking == nil {
		return
	}
	t := &e.tracking
	for _, name := range c.tracking.prefixes {
		p := t.prefixes[name]
		if p == nil {
			continue
		}
		if i := slices.Index(p.clients, c); i >= 0 {
			p.clients = slices.Delete(p.clients, i, i+1)
		}
		if len(p.clients) == 0 {
			delete(t.prefixes, name)
			if i, found := slices.BinarySearch(t.names, name); found {
				t.names = slices.Delete(t.names, i, i+1)
			}
		}
	}
	c.tracking = nil
}

// trackingRedirect is the redir= field of CLIENT LIST.
func (e *Engine) trackingRedirect(c *Client) int {
	if c.tracking == nil {
		return -1
	}
	return int(c.tracking.redirect)
}

// TrackingStats reports the tracking table's keys, client IDs stored and
// BCAST prefixes (INFO tracking_total_*).
func (e *Engine) TrackingStats() (keys, items, prefixes int) {
	t := &e.tracking
	return len(t.table), t.items, len(t.prefixes)
}

// cmdClientTracking is CLIENT TRACKING on|off [REDIRECT id] [BCAST]
// [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP], with Redis's checks in
// Redis's order.
func cmdClientTracking(c *Client, args [][]byte) {
	e := c.e
	var o trackingState
	var redirect int64
	var prefixes []string
	for j := 3; j < len(args); j++ {
		more := j+1 < len(args)
		switch opt := strings.ToLower(string(args[j])); {
		case opt == "redirect" && more:
			j++
			if redirect != 0 {
				c.Error("ERR A client can only redirect to a single other client")
				return
			}
			id, err := strconv.ParseInt(string(args[j]), 10, 64)
			if err != nil {
				c.Error(errNotInt)
				return
			}
			if x := e.clients[id]; x == nil || x.closed {
				c.Error("ERR The client ID you want redirect to does not exist")
				return
			}
			redirect = id
		case opt == "bcast":
			o.bcast = true
		case opt == "optin":
			o.optin = true
		case opt == "optout":
			o.optout = true
		case opt == "noloop":
			o.noloop = true
		case opt == "prefix" && more:
			j++
			prefixes = append(prefixes, string(args[j]))
		default:
			c.Error(errSyntax)
			return
		}
	}
	switch strings.ToLower(string(args[2])) {
	case "on":
		if !trackingOptionsOK(c, o, prefixes) {
			return
		}
		e.enableTracking(c, redirect, o, prefixes)
	case "off":
		e.resetTracking(c)
	default:
		c.Error(errSyntax)
		return
	}
	c.OK()
}

// trackingOptionsOK checks CLIENT TRACKING ON options against each other
// and the client's current mode, replying the error if they clash.
func trackingOptionsOK(c *Client, o trackingState, prefixes []string) bool {
	t := c.tracking
	switch {
	case !o.bcast && len(prefixes) > 0:
		c.Error("ERR PREFIX option requires BCAST mode to be enabled")
	case t != nil && t.bcast != o.bcast:
		c.Error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.")
	case o.bcast && (o.optin || o.optout):
		c.Error("ERR OPTIN and OPTOUT are not compatible with BCAST")
	case o.optin && o.optout:
		c.Error("ERR You can't specify both OPTIN mode and OPTOUT mode")
	case t != nil && (o.optin && t.optout || o.optout && t.optin):
		c.Error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.")
	case o.bcast:
		return prefixesOK(c, prefixes)
	default:
		return true
	}
	return false
}

// prefixesOK rejects BCAST prefixes that overlap each other or the
// client's existing ones (one would announce the other's keys). Like
// Redis 7.0 it only stops the command when the overlap involves the first
// new prefix; a later self-overlap is reported and then tracking is
// enabled anyway.
func prefixesOK(c *Client, prefixes []string) bool {
	overlap := func(a, b string) bool {
		n := min(len(a), len(b))
		return a[:n] == b[:n]
	}
	for i, p := range prefixes {
		if c.tracking != nil {
			for _, have := range c.tracking.prefixes {
				if overlap(have, p) {
					c.Error("ERR Prefix '" + cString(p) + "' overlaps with an existing prefix '" + cString(have) + "'. Prefixes for a single client must not overlap.")
					return false
				}
			}
		}
		for _, q := range prefixes[i+1:] {
			if overlap(p, q) {
				c.Error("ERR Prefix '" + cString(p) + "' overlaps with another provided prefix '" + cString(q) + "'. Prefixes for a single client must not overlap.")
				return i > 0
			}
		}
	}
	return true
}

// cString cuts s at its first NUL, as C's %s formatting does.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

func cmdClientCaching(c *Client, args [][]byte) {
	t := c.tracking
	if t == nil {
		c.Error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
		return
	}
	switch strings.ToLower(string(args[2])) {
	case "yes":
		if !t.optin {
			c.Error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
			return
		}
	case "no":
		if !t.optout {
			c.Error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
			return
		}
	default:
		c.Error(errSyntax)
		return
	}
	t.caching = true
	c.OK()
}

func cmdClientGetredir(c *Client, args [][]byte) {
	c.Int(int64(c.e.trackingRedirect(c)))
}

func cmdClientTrackinginfo(c *Client, args [][]byte) {
	t := c.tracking
	c.Map(3)
	c.BulkString("flags")
	if t == nil {
		c.Set(1)
		c.BulkString("off")
	} else {
		flags := []string{"on"}
		if t.bcast {
			flags = append(flags, "bcast")
		}
		if t.optin {
			flags = append(flags, "optin")
			if t.caching {
				flags = append(flags, "caching-yes")
			}
		}
		if t.optout {
			flags = append(flags, "optout")
			if t.caching {
				flags = append(flags, "caching-no")
			}
		}
		if t.noloop {
			flags = append(flags, "noloop")
		}
		if t.brokenRedir {
			flags = append(flags, "broken_redirect")
		}
		c.Set(len(flags))
		for _, f := range flags {
			c.BulkString(f)
		}
	}
	c.BulkString("redirect")
	c.Int(int64(c.e.trackingRedirect(c)))
	c.BulkString("prefixes")
	if t == nil {
		c.Array(0)
		return
	}
	c.StringArray(t.prefixes)
}
