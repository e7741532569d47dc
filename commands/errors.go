package commands

import (
	"strings"
)

// Error replies, exactly as Redis 7.0.15 words them.
const (
	errWrongType       = "WRONGTYPE Operation against a key holding the wrong kind of value"
	errSyntax          = "ERR syntax error"
	errNotInt          = "ERR value is not an integer or out of range"
	errNotFloat        = "ERR value is not a valid float"
	errOverflow        = "ERR increment or decrement would overflow"
	errNoSuchKey       = "ERR no such key"
	errNoAuth          = "NOAUTH Authentication required."
	errWrongPass       = "WRONGPASS invalid username-password pair or user is disabled."
	errInvalidDB       = "ERR invalid DB index"
	errDBOutOfRange    = "ERR DB index is out of range"
	errOOM             = "OOM command not allowed when used memory > 'maxmemory'."
	errLoading         = "LOADING Redis is loading the dataset in memory"
	errNotIntOrRange   = errNotInt
	errTimeoutNotFloat = "ERR timeout is not a float or out of range"
	errTimeoutNegative = "ERR timeout is negative"
	errNoPersistence   = "ERR the memory backend has no persistence"
	errClusterDisabled = "ERR This instance has cluster support disabled"
	errOffsetRange     = "ERR offset is out of range"
	errIndexRange      = "ERR index out of range"
)

// errArity is the arity error for a command's full name ("get", "config|get").
func errArity(fullName string) string {
	return "ERR wrong number of arguments for '" + fullName + "' command"
}

// errUnknownCommand is Redis's reply to a command it does not know,
// quoting the first arguments up to 128 bytes.
func errUnknownCommand(args [][]byte) string {
	var b strings.Builder
	for i := 1; i < len(args) && b.Len() < 128; i++ {
		a := args[i]
		if room := 128 - b.Len(); len(a) > room {
			a = a[:room]
		}
		b.WriteByte('\'')
		b.Write(a)
		b.WriteString("' ")
	}
	return "ERR unknown command '" + trunc(args[0], 128) + "', with args beginning with: " + b.String()
}

// errUnknownSubcommand is Redis's reply to an unknown subcommand.
func errUnknownSubcommand(sub []byte, cmd string) string {
	return "ERR unknown subcommand '" + trunc(sub, 128) + "'. Try " + strings.ToUpper(cmd) + " HELP."
}

func trunc(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}
