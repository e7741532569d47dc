package commands

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"sundial/config"
)

// pubsubCommands is the pub/sub family of the command table.
var pubsubCommands = []*Spec{
	{Name: "subscribe", Run: cmdSubscribe},
	{Name: "unsubscribe", Run: cmdUnsubscribe},
	{Name: "psubscribe", Run: cmdPSubscribe},
	{Name: "punsubscribe", Run: cmdPUnsubscribe},
	{Name: "ssubscribe", Run: cmdSSubscribe},
	{Name: "sunsubscribe", Run: cmdSUnsubscribe},
	{Name: "publish", Run: cmdPublish},
	{Name: "spublish", Run: cmdSPublish},
	{Name: "pubsub", Subs: []*Spec{
		{Name: "channels", Run: cmdPubsubChannels},
		{Name: "numsub", Run: cmdPubsubNumsub},
		{Name: "numpat", Run: cmdPubsubNumpat},
		{Name: "shardchannels", Run: cmdPubsubShardchannels},
		{Name: "shardnumsub", Run: cmdPubsubShardnumsub},
		{Name: "help", Run: cmdPubsubHelp},
	}},
}

// subKind is one of the three kinds of subscription.
type subKind int

const (
	subChannel subKind = iota // SUBSCRIBE
	subPattern                // PSUBSCRIBE
	subShard                  // SSUBSCRIBE
)

// Reply words of each kind, indexed by subKind.
var (
	subscribeWord   = [...]string{"subscribe", "psubscribe", "ssubscribe"}
	unsubscribeWord = [...]string{"unsubscribe", "punsubscribe", "sunsubscribe"}
)

// subscriptions are a client's channels, patterns and shard channels,
// each mapped to a sequence number so that "unsubscribe from all" answers
// in subscription order.
type subscriptions struct {
	channels map[string]int64
	patterns map[string]int64
	shard    map[string]int64
	seq      int64
}

func (s *subscriptions) of(k subKind) *map[string]int64 {
	switch k {
	case subPattern:
		return &s.patterns
	case subShard:
		return &s.shard
	}
	return &s.channels
}

// count is what a (un)subscribe reply reports: channels plus patterns,
// or shard channels for the shard kind.
func (c *Client) subCount(k subKind) int {
	if c.subs == nil {
		return 0
	}
	if k == subShard {
		return len(c.subs.shard)
	}
	return len(c.subs.channels) + len(c.subs.patterns)
}

// subscribed reports whether c is in pub/sub mode (any subscription).
func (c *Client) subscribed() bool {
	return c.subs != nil && len(c.subs.channels)+len(c.subs.patterns)+len(c.subs.shard) > 0
}

// pubsubRegistry maps channels, patterns and shard channels to their
// subscribers, in subscription order (the order messages go out).
type pubsubRegistry struct {
	channels map[string][]*Client
	patterns map[string][]*Client
	shard    map[string][]*Client
	// patOrder lists the patterns in the order they were first
	// subscribed; PUBLISH matches them in this order.
	patOrder [][]byte

	// softSince is when a client's output first exceeded its soft
	// limit; victims are clients over their output limit, disconnected
	// at the next safe point.
	softSince map[*Client]int64
	victims   []*Client

	// Parsed configuration, redone when the directive's text changes.
	limitsText     string
	limitsParsed   bool
	normal, pubsub outputLimit
	notifyText     string
	notifyParsed   bool
	notifyBits     int

	// Scratch buffers for message encoding and notification channels.
	msg    []byte
	chanB  []byte
	eventB []byte
}

func (r *pubsubRegistry) of(k subKind) *map[string][]*Client {
	switch k {
	case subPattern:
		return &r.patterns
	case subShard:
		return &r.shard
	}
	return &r.channels
}

// subscribe adds c to name; false if it was already subscribed.
func (e *Engine) subscribe(c *Client, k subKind, name []byte) bool {
	if c.subs == nil {
		c.subs = &subscriptions{}
	}
	mine := c.subs.of(k)
	if _, ok := (*mine)[string(name)]; ok {
		return false
	}
	if *mine == nil {
		*mine = make(map[string]int64)
	}
	c.subs.seq++
	key := string(name)
	(*mine)[key] = c.subs.seq
	r := &e.pubsub
	all := r.of(k)
	if *all == nil {
		*all = make(map[string][]*Client)
	}
	list := (*all)[key]
	if k == subPattern && len(list) == 0 {
		r.patOrder = append(r.patOrder, []byte(key))
	}
	(*all)[key] = append(list, c)
	return true
}

// unsubscribe removes c from name; false if it was not subscribed.
func (e *Engine) unsubscribe(c *Client, k subKind, name string) bool {
	if c.subs == nil {
		return false
	}
	mine := c.subs.of(k)
	if _, ok := (*mine)[name]; !ok {
		return false
	}
	delete(*mine, name)
	r := &e.pubsub
	all := r.of(k)
	list := (*all)[name]
	if i := slices.Index(list, c); i >= 0 {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) > 0 {
		(*all)[name] = list
		return true
	}
	delete(*all, name)
	if k == subPattern {
		for i, p := range r.patOrder {
			if string(p) == name {
				r.patOrder = slices.Delete(r.patOrder, i, i+1)
				break
			}
		}
	}
	return true
}

// subscribedNames lists c's subscriptions of kind k in subscription order.
func (c *Client) subscribedNames(k subKind) []string {
	if c.subs == nil {
		return nil
	}
	m := *c.subs.of(k)
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return int(m[a] - m[b]) })
	return names
}

// unsubscribeAll drops every subscription of c without replying
// (disconnect, RESET) and forgets its output-limit state.
func (r *pubsubRegistry) unsubscribeAll(c *Client) {
	delete(r.softSince, c)
	if c.subs == nil {
		return
	}
	e := c.e
	for k := subChannel; k <= subShard; k++ {
		for _, n := range c.subscribedNames(k) {
			e.unsubscribe(c, k, n)
		}
	}
}

// replySubscription writes a (un)subscribe confirmation: a push in RESP3,
// and in either protocol sent even under CLIENT REPLY OFF, as Redis 7.0.
// A nil name is the reply to unsubscribing from nothing.
func (c *Client) replySubscription(word string, name []byte, count int) {
	start := len(c.B)
	c.Push(3)
	c.BulkString(word)
	if name == nil {
		c.Null()
	} else {
		c.Bulk(name)
	}
	c.Int(int64(count))
	c.pushDone(start)
}

func subscribeKind(c *Client, args [][]byte, k subKind) {
	for _, name := range args[1:] {
		c.e.subscribe(c, k, name)
		c.replySubscription(subscribeWord[k], name, c.subCount(k))
	}
}

func unsubscribeKind(c *Client, args [][]byte, k subKind) {
	if len(args) > 1 {
		for _, name := range args[1:] {
			c.e.unsubscribe(c, k, string(name))
			c.replySubscription(unsubscribeWord[k], name, c.subCount(k))
		}
		return
	}
	names := c.subscribedNames(k)
	if len(names) == 0 {
		c.replySubscription(unsubscribeWord[k], nil, c.subCount(k))
		return
	}
	for _, n := range names {
		c.e.unsubscribe(c, k, n)
		c.replySubscription(unsubscribeWord[k], []byte(n), c.subCount(k))
	}
}

func cmdSubscribe(c *Client, args [][]byte)    { subscribeKind(c, args, subChannel) }
func cmdPSubscribe(c *Client, args [][]byte)   { subscribeKind(c, args, subPattern) }
func cmdUnsubscribe(c *Client, args [][]byte)  { unsubscribeKind(c, args, subChannel) }
func cmdPUnsubscribe(c *Client, args [][]byte) { unsubscribeKind(c, args, subPattern) }
func cmdSUnsubscribe(c *Client, args [][]byte) { unsubscribeKind(c, args, subShard) }

func cmdSSubscribe(c *Client, args [][]byte) {
	// Inside EXEC the client may not block, and Redis 7.0 counts a shard
	// subscription as blocking (SUBSCRIBE is exempted for compatibility).
	if c.multi != nil {
		c.Error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client")
		return
	}
	subscribeKind(c, args, subShard)
}

func cmdPublish(c *Client, args [][]byte) {
	c.Int(int64(c.e.publish(args[1], args[2], false)))
}

func cmdSPublish(c *Client, args [][]byte) {
	c.Int(int64(c.e.publish(args[1], args[2], true)))
}

// publish sends msg to the subscribers of channel and, unless it is a
// shard channel, of every matching pattern. It returns the number of
// deliveries, as PUBLISH replies.
func (e *Engine) publish(channel, msg []byte, shard bool) int {
	r := &e.pubsub
	n := 0
	direct := r.channels[string(channel)]
	kind := "message"
	if shard {
		direct = r.shard[string(channel)]
		kind = "smessage"
	}
	if len(direct) > 0 {
		r.encode(kind, nil, channel, msg)
		for _, t := range direct {
			e.deliver(t)
		}
		n += len(direct)
	}
	if !shard {
		for _, pat := range r.patOrder {
			if !GlobMatch(pat, channel, false) {
				continue
			}
			subs := r.patterns[string(pat)]
			r.encode("pmessage", pat, channel, msg)
			for _, t := range subs {
				e.deliver(t)
			}
			n += len(subs)
		}
	}
	if e.execDepth == 0 {
		// Outside any command (active expiry): nothing is iterating
		// clients, so slow ones can go now; otherwise at the end of the
		// top-level command.
		e.dropSlowClients()
	}
	return n
}

// encode prepares a message, [kind, pattern?, channel, msg], as a RESP2
// array; RESP3 subscribers get the same bytes as a push (only the type
// byte differs).
func (r *pubsubRegistry) encode(kind string, pat, channel, msg []byte) {
	n := int64(3)
	if pat != nil {
		n = 4
	}
	b := append(r.msg[:0], '*')
	b = strconv.AppendInt(b, n, 10)
	b = append(b, '\r', '\n')
	b = appendBulk(b, []byte(kind))
	if pat != nil {
		b = appendBulk(b, pat)
	}
	b = appendBulk(b, channel)
	r.msg = appendBulk(b, msg)
}

func appendBulk(b, s []byte) []byte {
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, '\r', '\n')
	b = append(b, s...)
	return append(b, '\r', '\n')
}

// deliver appends the encoded message to subscriber t's output. As in
// Redis 7.0.15, messages are pushes: CLIENT REPLY OFF does not silence
// them.
func (e *Engine) deliver(t *Client) {
	if t.closed || t.killed {
		return
	}
	msg := e.pubsub.msg
	start := len(t.B)
	if t.Proto > 2 {
		t.B = append(t.B, '>')
		msg = msg[1:]
	}
	t.B = append(t.B, msg...)
	t.pushDone(start)
	e.pushed(t)
}

// pushed is called after output was added to t's buffer outside t's own
// command: the connection is woken to send it, and a client whose
// pending output passed its limit is marked for disconnection.
func (e *Engine) pushed(t *Client) {
	if t.cmd == nil && t.conn != nil {
		t.conn.Wake()
	}
	if e.pubsub.overLimit(t, e.Cfg.ClientOutputBufferLimit) {
		e.pubsub.victims = append(e.pubsub.victims, t)
	}
}

// outputLimit is one class of client-output-buffer-limit.
type outputLimit struct {
	hard, soft, softSecs int64
}

// overLimit applies client-output-buffer-limit as Redis's
// checkClientOutputBufferLimits: past the hard limit, or past the soft
// limit for more than its seconds. Subscribers use the pubsub class,
// others the normal one.
func (r *pubsubRegistry) overLimit(t *Client, text string) bool {
	if !r.limitsParsed || text != r.limitsText {
		r.normal, r.pubsub = parseOutputLimits(text)
		r.limitsText, r.limitsParsed = text, true
	}
	lim := r.normal
	if t.subscribed() {
		lim = r.pubsub
	}
	used := int64(len(t.B))
	hard := lim.hard > 0 && used >= lim.hard
	soft := lim.soft > 0 && used >= lim.soft
	if !soft {
		if r.softSince != nil {
			delete(r.softSince, t)
		}
		return hard
	}
	now := time.Now().Unix()
	since, ok := r.softSince[t]
	if !ok {
		if r.softSince == nil {
			r.softSince = make(map[*Client]int64)
		}
		r.softSince[t] = now
		return hard
	}
	return hard || now-since > lim.softSecs
}

// parseOutputLimits reads the normal and pubsub classes of
// client-output-buffer-limit ("<class> <hard> <soft> <secs> ..."); a
// missing or malformed class keeps Redis's default.
func parseOutputLimits(text string) (normal, pubsub outputLimit) {
	normal = outputLimit{}
	pubsub = outputLimit{hard: 32 << 20, soft: 8 << 20, softSecs: 60}
	f := strings.Fields(text)
	for i := 0; i+3 < len(f); i += 4 {
		hard, ok1 := config.ParseSize(f[i+1])
		soft, ok2 := config.ParseSize(f[i+2])
		secs, err := strconv.ParseInt(f[i+3], 10, 64)
		if !ok1 || !ok2 || err != nil {
			continue
		}
		l := outputLimit{hard: hard, soft: soft, softSecs: secs}
		switch strings.ToLower(f[i]) {
		case "normal":
			normal = l
		case "pubsub":
			pubsub = l
		}
	}
	return normal, pubsub
}

// dropSlowClients disconnects the clients that passed their output
// limit, without waiting for them: the publisher and the other
// subscribers go on at full speed.
func (e *Engine) dropSlowClients() {
	r := &e.pubsub
	if len(r.victims) == 0 {
		return
	}
	victims := r.victims
	r.victims = nil
	for _, v := range victims {
		if v.closed || v.killed {
			continue
		}
		e.Log.Warn("client closed for overcoming of output buffer limits", "id", v.ID, "addr", v.Addr, "omem", len(v.B))
		v.killed = true
		v.B = v.B[:0]
		if v.conn != nil {
			v.conn.Close()
		}
		if v.cmd == nil {
			e.freeClientLocked(v)
		}
	}
}

func (e *Engine) pubsubChannelCount() int { return len(e.pubsub.channels) }
func (e *Engine) pubsubPatternCount() int { return len(e.pubsub.patterns) }

// pubsubShardChannelCount is INFO's pubsubshard_channels.
func (e *Engine) pubsubShardChannelCount() int { return len(e.pubsub.shard) }

// channelsMatching lists the channels of m matching the optional pattern.
func channelsMatching(c *Client, m map[string][]*Client, args [][]byte) {
	if len(args) > 3 {
		c.Error(errSubcommandSyntax(args))
		return
	}
	var pat []byte
	if len(args) > 2 {
		pat = args[2]
	}
	var names []string
	for name := range m {
		if pat == nil || GlobMatch(pat, []byte(name), false) {
			names = append(names, name)
		}
	}
	c.StringArray(names)
}

// errSubcommandSyntax is Redis's addReplySubcommandSyntaxError.
func errSubcommandSyntax(args [][]byte) string {
	return "ERR unknown subcommand or wrong number of arguments for '" + trunc(args[1], 128) +
		"'. Try " + strings.ToUpper(string(args[0])) + " HELP."
}

func numsub(c *Client, m map[string][]*Client, args [][]byte) {
	c.Array(2 * (len(args) - 2))
	for _, name := range args[2:] {
		c.Bulk(name)
		c.Int(int64(len(m[string(name)])))
	}
}

func cmdPubsubChannels(c *Client, args [][]byte) { channelsMatching(c, c.e.pubsub.channels, args) }
func cmdPubsubShardchannels(c *Client, args [][]byte) {
	channelsMatching(c, c.e.pubsub.shard, args)
}
func cmdPubsubNumsub(c *Client, args [][]byte)      { numsub(c, c.e.pubsub.channels, args) }
func cmdPubsubShardnumsub(c *Client, args [][]byte) { numsub(c, c.e.pubsub.shard, args) }
func cmdPubsubNumpat(c *Client, args [][]byte)      { c.Int(int64(len(c.e.pubsub.patterns))) }

func cmdPubsubHelp(c *Client, args [][]byte) {
	c.helpReply("PUBSUB", []string{
		"CHANNELS [<pattern>]",
		"    Return the currently active channels matching a <pattern> (default: '*').",
		"NUMPAT",
		"    Return number of subscriptions to patterns.",
		"NUMSUB [<channel> ...]",
		"    Return the number of subscribers for the specified channels, excluding",
		"    pattern subscriptions(default: no channels).",
		"SHARDCHANNELS [<pattern>]",
		"    Return the currently active shard level channels matching a <pattern> (default: '*').",
		"SHARDNUMSUB [<shardchannel> ...]",
		"    Return the number of subscribers for the specified shard level channel(s)",
	})
}
