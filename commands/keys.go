package commands

// keyCommands is the generic-key family of the command table.
var keyCommands = []*Spec{
	{Name: "del", Run: cmdDel},
	{Name: "exists", Run: cmdExists},
}

func cmdDel(c *Client, args [][]byte) {
	n := 0
	for _, k := range args[1:] {
		if c.DB.Delete(k, c.now) {
			c.Touched(k)
			c.Notify(notifyGeneric, "del", k)
			n++
		}
	}
	c.Dirty(n)
	c.Int(int64(n))
}

func cmdExists(c *Client, args [][]byte) {
	n := 0
	for _, k := range args[1:] {
		if c.LookupRead(k) != nil {
			n++
		}
	}
	c.Int(int64(n))
}
