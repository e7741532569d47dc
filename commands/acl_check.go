package commands

import (
	"crypto/subtle"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// aclRegistry is an engine's ACL state: its users and the ACL log.
type aclRegistry struct {
	users map[string]*aclUser
	def   *aclUser
	// requirepass sets the default user's password, as in Redis; the
	// value last applied is remembered so a change is applied once.
	syncedPass string
	synced     bool
	log        []*aclLogEntry // newest first
}

// Why a command was refused, in the order Redis ranks them when several
// selectors refuse it for different reasons.
const (
	aclOK = iota
	aclDeniedCmd
	aclDeniedKey
	aclDeniedAuth
	aclDeniedChannel
)

// Contexts of an ACL log entry.
const (
	aclCtxToplevel = iota
	aclCtxMulti
	aclCtxLua
)

type aclLogEntry struct {
	count    int64
	reason   int
	context  int
	object   string
	username string
	ctime    int64 // Unix ms of the last occurrence
	cinfo    string
}

// acl returns the engine's ACL state, creating the default user on first
// use and applying a changed requirepass to it. Callers hold e.Mu.
func (e *Engine) acl() *aclRegistry {
	r := &e.aclState
	if r.users == nil {
		def := newACLUser("default")
		for _, op := range []string{"+@all", "~*", "&*", "on", "nopass"} {
			def.apply(op)
		}
		r.users = map[string]*aclUser{"default": def}
		r.def = def
	}
	if pw := e.Cfg.RequirePass; !r.synced || pw != r.syncedPass {
		r.synced, r.syncedPass = true, pw
		r.def.apply("resetpass")
		if pw == "" {
			r.def.apply("nopass")
		} else {
			r.def.apply(">" + pw)
		}
	}
	return r
}

// aclNewClient starts a connection as the default user, authenticated if
// that user needs no password (Redis's clientSetDefaultAuth).
func (e *Engine) aclNewClient(c *Client) {
	def := e.acl().def
	c.user = def
	c.Authed = def.nopass && def.enabled
}

// authRequired reports whether an unauthenticated client must AUTH: the
// default user has a password or is off.
func (e *Engine) authRequired() bool {
	def := e.acl().def
	return !def.nopass || !def.enabled
}

// DefaultUserNoPass reports whether the default user needs no password,
// which is when protected mode refuses remote clients. Callers hold e.Mu.
func (e *Engine) DefaultUserNoPass() bool { return e.acl().def.nopass }

// userName is the name CLIENT LIST shows for a client's user.
func (c *Client) userName() string {
	if c.user == nil {
		return "(superuser)"
	}
	return c.user.name
}

// aclCheckCredentials returns the user name/pass authenticate as, or nil.
func (e *Engine) aclCheckCredentials(name, pass []byte) *aclUser {
	u := e.acl().users[string(name)]
	if u == nil || !u.enabled {
		return nil
	}
	if u.nopass {
		return u
	}
	h := []byte(passwordHash(string(pass)))
	ok := 0
	for _, p := range u.passwords {
		ok |= subtle.ConstantTimeCompare([]byte(p), h)
	}
	if ok == 0 {
		return nil
	}
	return u
}

// aclAuthenticate authenticates c as name/pass, or logs the failure
// (object is the command name as sent: AUTH or HELLO).
func (e *Engine) aclAuthenticate(c *Client, object, name, pass []byte) bool {
	if u := e.aclCheckCredentials(name, pass); u != nil {
		c.Authed, c.user = true, u
		return true
	}
	e.aclLogAdd(c, aclDeniedAuth, c.aclContext(), string(object), string(name))
	return false
}

func (c *Client) aclContext() int {
	if c.multi != nil {
		return aclCtxMulti
	}
	return aclCtxToplevel
}

// Channel arguments of the pub/sub commands ACLs check.
const (
	aclChanNone    = iota
	aclChanFirst   // PUBLISH, SPUBLISH: the first argument
	aclChanAll     // SUBSCRIBE, SSUBSCRIBE: every argument
	aclChanPattern // PSUBSCRIBE: every argument, compared literally
)

func aclChannelKind(s *Spec) int {
	switch s.FullName {
	case "publish", "spublish":
		return aclChanFirst
	case "subscribe", "ssubscribe":
		return aclChanAll
	case "psubscribe":
		return aclChanPattern
	}
	return aclChanNone
}

// specHasKeys reports whether a command may name keys.
func specHasKeys(s *Spec) bool {
	if s.Flags&FlagMovableKeys != 0 {
		return true
	}
	info := s.infoNode()
	return len(info.kids) > 8 && len(info.kids[8].kids) > 0
}

// aclKeyRef is a key argument, its position and the permissions its
// use needs.
type aclKeyRef struct {
	key  []byte
	pos  int
	perm uint8
}

// aclCommandKeys finds a command's keys as COMMAND GETKEYSANDFLAGS does
// (key specs, then the getkeys rules of SORT and the variable-flag
// commands) and the permissions each needs: read for access, write for
// insert, delete and update.
func aclCommandKeys(s *Spec, args [][]byte) []aclKeyRef {
	keys, ok := keysFromSpecs(s, args)
	if !ok {
		return nil
	}
	if s.Name == "sort" {
		keys = sortStoreKey(args, keys)
	}
	variableKeyFlags(s, args, keys)
	refs := make([]aclKeyRef, 0, len(keys))
	for _, k := range keys {
		var perm uint8
		skip := false
		for _, f := range k.flags {
			switch f {
			case "access":
				perm |= aclRead
			case "insert", "delete", "update":
				perm |= aclWrite
			case "not_key":
				skip = true
			}
		}
		if !skip {
			refs = append(refs, aclKeyRef{k.key, argPosition(args, k.key), perm})
		}
	}
	return refs
}

// argPosition finds which argument a key slice is (keys are slices of
// the arguments themselves).
func argPosition(args [][]byte, key []byte) int {
	for i, a := range args {
		if len(a) == len(key) && unsafe.SliceData(a) == unsafe.SliceData(key) {
			return i
		}
	}
	return 0
}

// aclKeyCache computes a command's keys once for all selectors.
type aclKeyCache struct {
	done bool
	keys []aclKeyRef
}

func (kc *aclKeyCache) get(s *Spec, args [][]byte) []aclKeyRef {
	if !kc.done {
		kc.keys, kc.done = aclCommandKeys(s, args), true
	}
	return kc.keys
}

// check is Redis's ACLCheckAllUserCommandPerm: the command is allowed
// if one selector allows it. Otherwise it returns the reason to report,
// and the argument at fault for keys and channels: a refused command
// unless some selector got further, then the last key or channel.
func (u *aclUser) check(s *Spec, args [][]byte) (int, int) {
	var kc aclKeyCache
	reason, pos := aclDeniedCmd, 0
	for _, sel := range u.selectors {
		r, p := sel.check(s, args, &kc)
		if r == aclOK {
			return aclOK, 0
		}
		if r > reason || r == reason && p > pos {
			reason, pos = r, p
		}
	}
	return reason, pos
}

// check is one selector's verdict on a command (ACLSelectorCheckCmd).
func (sel *aclSelector) check(s *Spec, args [][]byte, kc *aclKeyCache) (int, int) {
	if !sel.allCommands && s.Flags&FlagNoAuth == 0 {
		id, known := aclCmdIDs().ids[s]
		if !known || !sel.bit(id) && !sel.firstArgAllowed(id, s, args) {
			return aclDeniedCmd, 0
		}
	}
	if !sel.allKeys && specHasKeys(s) {
		for _, k := range kc.get(s, args) {
			if !sel.keyAllowed(k) {
				return aclDeniedKey, k.pos
			}
		}
	}
	if !sel.allChannels {
		if kind := aclChannelKind(s); kind != aclChanNone {
			last := len(args) - 1
			if kind == aclChanFirst {
				last = min(last, 1)
			}
			for i := 1; i <= last; i++ {
				if !sel.channelAllowed(args[i], kind == aclChanPattern) {
					return aclDeniedChannel, i
				}
			}
		}
	}
	return aclOK, 0
}

func (sel *aclSelector) firstArgAllowed(id int, s *Spec, args [][]byte) bool {
	idx := 1
	if s.parent != nil {
		idx = 2
	}
	if idx >= len(args) {
		return false
	}
	for _, a := range sel.firstArgs[id] {
		if strings.EqualFold(a, string(args[idx])) {
			return true
		}
	}
	return false
}

func (sel *aclSelector) keyAllowed(k aclKeyRef) bool {
	for _, p := range sel.keys {
		if p.perm&k.perm == k.perm && GlobMatch([]byte(p.pattern), k.key, false) {
			return true
		}
	}
	return false
}

// channelAllowed matches a channel against the selector's patterns; a
// PSUBSCRIBE pattern must be one of them literally.
func (sel *aclSelector) channelAllowed(ch []byte, literal bool) bool {
	for _, p := range sel.channels {
		if literal && p == string(ch) || !literal && GlobMatch([]byte(p), ch, false) {
			return true
		}
	}
	return false
}

// aclDenied checks a command c is about to run or queue; a refusal is
// logged and its NOPERM error returned. The caller has checked that c's
// user is restricted at all.
func (e *Engine) aclDenied(c *Client, s *Spec, args [][]byte) string {
	reason, pos := c.user.check(s, args)
	if reason == aclOK {
		return ""
	}
	// Redis names the refused command as the client's last one (its
	// lookup sets lastcmd), in the log's client info and CLIENT LIST.
	c.lastCmd = s
	e.aclLogDenial(c, c.user, reason, c.aclContext(), s, args, pos)
	switch reason {
	case aclDeniedKey:
		return "NOPERM this user has no permissions to access one of the keys used as arguments"
	case aclDeniedChannel:
		return "NOPERM this user has no permissions to access one of the channels used as arguments"
	}
	return "NOPERM this user has no permissions to run the '" + s.FullName + "' command"
}

// aclExecRefused checks a queued command again when EXEC runs it, in
// case the rules changed since it was queued; a refusal is answered in
// the EXEC reply in its place.
func (e *Engine) aclExecRefused(c *Client, s *Spec, args [][]byte) bool {
	u := c.user
	if u == nil || u.unrestricted {
		return false
	}
	reason, pos := u.check(s, args)
	if reason == aclOK {
		return false
	}
	e.aclLogDenial(c, u, reason, aclCtxMulti, s, args, pos)
	why := "no permission to execute the command or subcommand"
	switch reason {
	case aclDeniedKey:
		why = "no permission to touch the specified keys"
	case aclDeniedChannel:
		why = "no permission to access one of the channels used as arguments"
	}
	msg := "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: " + why
	c.Error(msg)
	e.countError(msg)
	return true
}

// aclScriptDenied checks a command a script calls with the permissions of
// the client running the script; it returns the script error.
func (e *Engine) aclScriptDenied(caller *Client, s *Spec, args [][]byte) string {
	u := caller.user
	if u == nil || u.unrestricted {
		return ""
	}
	reason, pos := u.check(s, args)
	if reason == aclOK {
		return ""
	}
	e.aclLogDenial(caller, u, reason, aclCtxLua, s, args, pos)
	switch reason {
	case aclDeniedKey:
		return "The user executing the script can't access at least one of the keys mentioned in the command arguments"
	case aclDeniedChannel:
		return "The user executing the script can't publish to the channel mentioned in the command"
	}
	return "The user executing the script can't run this command or subcommand"
}

// aclAllows is redis.acl_check_cmd: whether the script's caller may run
// the command, without logging.
func aclAllows(caller *Client, s *Spec, args [][]byte) bool {
	u := caller.user
	if u == nil || u.unrestricted {
		return true
	}
	reason, _ := u.check(s, args)
	return reason == aclOK
}

func (e *Engine) aclLogDenial(c *Client, u *aclUser, reason, ctx int, s *Spec, args [][]byte, pos int) {
	object := s.FullName
	if reason != aclDeniedCmd && pos < len(args) {
		object = string(args[pos])
	}
	e.aclLogAdd(c, reason, ctx, object, u.name)
}

// aclLogAdd records a denial in the ACL log. An entry like one of the
// ten newest (same reason, context, object and user, within a minute) is
// counted again and moved to the front instead.
func (e *Engine) aclLogAdd(c *Client, reason, ctx int, object, username string) {
	r := e.acl()
	now := time.Now()
	ms := now.UnixMilli()
	cinfo := e.clientInfoLine(c, now)
	for i := 0; i < len(r.log) && i < 10; i++ {
		x := r.log[i]
		if x.reason == reason && x.context == ctx && x.object == object && x.username == username &&
			ms-x.ctime <= 60000 && x.ctime-ms <= 60000 {
			x.count++
			x.ctime, x.cinfo = ms, cinfo
			copy(r.log[1:i+1], r.log[:i])
			r.log[0] = x
			return
		}
	}
	r.log = append(r.log, nil)
	copy(r.log[1:], r.log)
	r.log[0] = &aclLogEntry{count: 1, reason: reason, context: ctx, object: object,
		username: username, ctime: ms, cinfo: cinfo}
	maxLen := 128
	if v, ok := e.Cfg.Get("acllog-max-len"); ok {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			maxLen = n
		}
	}
	if len(r.log) > maxLen {
		clear(r.log[maxLen:])
		r.log = r.log[:maxLen]
	}
}

// aclDropUser disconnects the clients authenticated as u, which was
// deleted; they are left unauthenticated as the default user meanwhile.
func (e *Engine) aclDropUser(self *Client, u *aclUser, def *aclUser) {
	for _, x := range e.sortedClients() {
		if x.user == u {
			x.user, x.Authed = def, false
			e.aclDisconnect(self, x)
		}
	}
}

// aclKillSubscribers disconnects the subscribers authenticated as old
// whose subscriptions the new rules no longer allow (Redis's
// ACLKillPubsubClientsIfNeeded).
func (e *Engine) aclKillSubscribers(self *Client, old, next *aclUser) {
	var allowed []string
	for _, s := range next.selectors {
		if s.allChannels {
			return
		}
		allowed = append(allowed, s.channels...)
	}
	// Nothing to do when every pattern the user had is still there.
	kept := true
	for _, s := range old.selectors {
		if s.allChannels {
			kept = false
		}
		for _, c := range s.channels {
			found := false
			for _, a := range allowed {
				found = found || a == c
			}
			kept = kept && found
		}
	}
	if kept {
		return
	}
	match := func(ch string, literal bool) bool {
		for _, a := range allowed {
			if literal && a == ch || !literal && GlobMatch([]byte(a), []byte(ch), false) {
				return true
			}
		}
		return false
	}
	for _, x := range e.sortedClients() {
		if x.user != old || !x.subscribed() {
			continue
		}
		kill := false
		for p := range x.subs.patterns {
			kill = kill || !match(p, true)
		}
		for ch := range x.subs.channels {
			kill = kill || !match(ch, false)
		}
		for ch := range x.subs.shard {
			kill = kill || !match(ch, false)
		}
		if kill {
			e.aclDisconnect(self, x)
		}
	}
}

// aclDisconnect closes x's connection and, unless x is the client
// running the command (it closes once answered), frees it at once so
// later commands no longer see it.
func (e *Engine) aclDisconnect(self, x *Client) {
	e.killClient(self, x)
	if x != self && x.cmd == nil {
		e.freeClientLocked(x)
	}
}
