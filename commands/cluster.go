package commands

import "strings"

// clusterCommands: sundial runs standalone; CLUSTER KEYSLOT is a pure
// function clients use, CLUSTER INFO reports cluster mode off.
var clusterCommands = []*Spec{
	{Name: "cluster", Subs: clusterSubcommands()},
	{Name: "readonly", Run: cmdClusterDisabled},
	{Name: "readwrite", Run: cmdClusterDisabled},
	{Name: "asking", Run: cmdClusterDisabled},
}

// clusterSubcommands lists every CLUSTER subcommand Redis has; all but
// KEYSLOT answer that cluster support is disabled.
func clusterSubcommands() []*Spec {
	subs := []*Spec{{Name: "keyslot", Run: cmdClusterKeyslot}}
	for full := range redisMeta {
		if name, ok := strings.CutPrefix(full, "cluster|"); ok && name != "keyslot" {
			subs = append(subs, &Spec{Name: name, Run: cmdClusterDisabled})
		}
	}
	return subs
}

func cmdClusterDisabled(c *Client, args [][]byte) { c.Error(errClusterDisabled) }

func cmdClusterKeyslot(c *Client, args [][]byte) { c.Int(int64(KeySlot(args[2]))) }

// KeySlot is Redis Cluster's hash slot of a key: CRC16 of the key, or of
// the first non-empty {hash tag}, modulo 16384.
func KeySlot(key []byte) int {
	if s := strings.IndexByte(string(key), '{'); s >= 0 {
		if e := strings.IndexByte(string(key[s+1:]), '}'); e > 0 {
			key = key[s+1 : s+1+e]
		}
	}
	return int(crc16(key) & 16383)
}

func crc16(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc ^= uint16(c) << 8
		for i := 0; i < 8; i++ {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
