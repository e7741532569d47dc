package lualib

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// SyntaxMessage rewrites a gopher-lua compile error ("name line:3(column:5)
// near 'x':   message") for the chunk body loaded as name into the shape
// Lua 5.1 gives it ("name:3: message near 'x'"), with Lua's wording where
// the two parsers' errors correspond.
func SyntaxMessage(err error, name, body string) string {
	msg := err.Error()
	if ae, ok := err.(*lua.ApiError); ok {
		if s, ok := ae.Object.(lua.LString); ok {
			msg = string(s)
		}
	}
	msg = strings.TrimSpace(strings.TrimPrefix(msg, name))
	line, near := "", ""
	switch {
	case strings.HasPrefix(msg, "at EOF:"):
		line = strconv.Itoa(strings.Count(body, "\n") + 1)
		near = "'<eof>'"
		msg = msg[len("at EOF:"):]
		if strings.TrimSpace(msg) == "unterminated string" {
			msg = "unfinished string"
		}
	case strings.HasPrefix(msg, "line:"):
		rest := msg[len("line:"):]
		if i := strings.IndexByte(rest, '('); i > 0 {
			line = rest[:i]
		}
		token := ""
		// The message follows the token, after "':   ".
		if i := strings.Index(rest, " near '"); i >= 0 {
			rest = rest[i+len(" near '"):]
			if j := strings.LastIndex(rest, "':   "); j >= 0 {
				token, rest = rest[:j], rest[j+2:]
				near = "'" + token + "'"
			}
		} else if j := strings.Index(rest, ":"); j >= 0 {
			rest = rest[j+1:]
		}
		msg = strings.TrimSpace(rest)
		if msg == "unterminated string" {
			// gopher-lua counted the line break that ended the string;
			// Lua reports the string's own line and shows the text read
			// so far, opening quote included.
			if n, err := strconv.Atoi(line); err == nil && n > 1 {
				line = strconv.Itoa(n - 1)
				near = "'" + openQuote(body, n-1) + token + "'"
			}
			msg = "unfinished string"
		}
	}
	msg = strings.TrimSpace(msg)
	switch msg {
	case "syntax error":
		msg = "unexpected symbol"
	case "parse error":
		// gopher-lua's word for an expression statement that is not a
		// call, where Lua's parser wanted an assignment.
		msg = "'=' expected"
	}
	if near != "" {
		msg += " near " + near
	}
	if line == "" {
		return name + ": " + msg
	}
	return name + ":" + line + ": " + msg
}

// openQuote finds the quote that opens a string left unterminated at the
// end of line n (1-based) of body, skipping complete strings and comments.
// Lines end as Lua counts them: \n, \r, \r\n or \n\r.
func openQuote(body string, n int) string {
	i := 0
	for line := 1; line < n && i < len(body); i++ {
		if c := body[i]; c == '\n' || c == '\r' {
			if i+1 < len(body) && (body[i+1] == '\n' || body[i+1] == '\r') && body[i+1] != c {
				i++
			}
			line++
		}
	}
	var quote byte
	for ; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\r' || c == '\n':
			if quote == 0 {
				return ""
			}
			return string(quote)
		case quote != 0 && c == '\\':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
		case quote == 0 && c == '-' && i+1 < len(body) && body[i+1] == '-':
			return ""
		}
	}
	return ""
}
