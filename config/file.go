package config

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SplitArgs splits a line into arguments as Redis's sdssplitargs does:
// spaces separate, "double quotes" allow \n \r \t \b \a \\ \" and \xHH
// escapes, 'single quotes' allow only \'. A closing quote must be followed
// by a space or the end of the line.
func SplitArgs(line string) ([]string, bool) {
	var out []string
	i := 0
	for {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i >= len(line) {
			return out, true
		}
		var cur []byte
		inDQ, inSQ, done := false, false, false
		for !done {
			if i >= len(line) {
				if inDQ || inSQ {
					return nil, false // unterminated quotes
				}
				break
			}
			ch := line[i]
			switch {
			case inDQ:
				switch {
				case ch == '\\' && i+3 < len(line) && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
					cur = append(cur, hexVal(line[i+2])<<4|hexVal(line[i+3]))
					i += 3
				case ch == '\\' && i+1 < len(line):
					i++
					switch line[i] {
					case 'n':
						cur = append(cur, '\n')
					case 'r':
						cur = append(cur, '\r')
					case 't':
						cur = append(cur, '\t')
					case 'b':
						cur = append(cur, '\b')
					case 'a':
						cur = append(cur, '\a')
					default:
						cur = append(cur, line[i])
					}
				case ch == '"':
					if i+1 < len(line) && !isSpace(line[i+1]) {
						return nil, false
					}
					done = true
				default:
					cur = append(cur, ch)
				}
			case inSQ:
				switch {
				case ch == '\\' && i+1 < len(line) && line[i+1] == '\'':
					i++
					cur = append(cur, '\'')
				case ch == '\'':
					if i+1 < len(line) && !isSpace(line[i+1]) {
						return nil, false
					}
					done = true
				default:
					cur = append(cur, ch)
				}
			default:
				switch {
				case isSpace(ch):
					done = true
				case ch == '"':
					inDQ = true
				case ch == '\'':
					inSQ = true
				default:
					cur = append(cur, ch)
				}
			}
			if i < len(line) {
				i++
			}
		}
		out = append(out, string(cur))
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
func hexVal(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// LoadFile applies a redis.conf file. Unknown directives become warnings
// naming file and line; a bad value is an error naming the directive and
// what it accepts.
func (c *Config) LoadFile(path string) (warnings []string, err error) {
	return c.loadFile(path, 0, map[string]bool{})
}

func (c *Config) loadFile(path string, depth int, seenSave map[string]bool) ([]string, error) {
	if depth > 10 {
		return nil, fmt.Errorf("%s: include nesting too deep", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("can't open config file '%s': %v", path, err)
	}
	defer f.Close()
	var warnings []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		args, ok := SplitArgs(line)
		if !ok {
			return warnings, fmt.Errorf("%s:%d: unbalanced quotes in configuration line", path, lineNo)
		}
		if len(args) == 0 {
			continue
		}
		name := strings.ToLower(args[0])
		switch {
		case name == "include":
			if len(args) != 2 {
				return warnings, fmt.Errorf("%s:%d: include needs one file name", path, lineNo)
			}
			inc := args[1]
			if !filepath.IsAbs(inc) {
				inc = filepath.Join(filepath.Dir(path), inc)
			}
			w, err := c.loadFile(inc, depth+1, seenSave)
			warnings = append(warnings, w...)
			if err != nil {
				return warnings, err
			}
			continue
		case name == "save" && !seenSave["save"]:
			// The first save line replaces the defaults; later ones add.
			seenSave["save"] = true
			c.Save = ""
		}
		if !c.Known(name) {
			warnings = append(warnings, fmt.Sprintf("%s:%d: unknown directive '%s' ignored", path, lineNo, args[0]))
			continue
		}
		vals := args[1:]
		if name == "save" && c.Save != "" && !(len(vals) == 1 && vals[0] == "") {
			vals = append([]string{c.Save}, vals...)
		}
		if err := c.Set(name, vals); err != nil {
			return warnings, fmt.Errorf("%s:%d: bad value for '%s' (%s): %s", path, lineNo, name, strings.Join(args[1:], " "), c.Accepted(name, err))
		}
	}
	if err := sc.Err(); err != nil {
		return warnings, fmt.Errorf("%s: %v", path, err)
	}
	c.File = path
	return warnings, nil
}

// Accepted explains a bad value: the error and what the directive accepts.
func (c *Config) Accepted(name string, err error) string {
	d := c.Lookup(name)
	if d == nil {
		return err.Error()
	}
	var accepts string
	switch d.kind {
	case kBool:
		accepts = "yes or no"
	case kInt:
		accepts = fmt.Sprintf("an integer from %d to %d", d.min, d.max)
	case kSize:
		accepts = "a memory size such as 1000, 1k, 1kb, 64mb, 1gb"
	case kEnum:
		accepts = "one of " + strings.Join(d.enum, ", ")
	case kSave:
		accepts = `"" or pairs of <seconds> <changes>`
	case kNotify:
		accepts = "a combination of the characters KEg$lshzxetdmnA"
	default:
		accepts = "a string"
	}
	return err.Error() + "; accepted: " + accepts
}

// EnvName is the environment variable that overrides a directive.
func EnvName(directive string) string {
	return "SUNDIAL_" + strings.ToUpper(strings.ReplaceAll(directive, "-", "_"))
}

// ApplyEnv applies SUNDIAL_<DIRECTIVE> variables from environ.
func (c *Config) ApplyEnv(environ []string) error {
	for _, d := range c.dirs {
		for _, kv := range environ {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k != EnvName(d.Name) {
				continue
			}
			args, ok := SplitArgs(v)
			if !ok || len(args) == 0 {
				args = []string{v}
			}
			if d.kind == kString {
				args = []string{v}
			}
			if err := c.Set(d.Name, args); err != nil {
				return fmt.Errorf("bad value for '%s' from %s (%s): %s", d.Name, k, v, c.Accepted(d.Name, err))
			}
		}
	}
	return nil
}

// ApplyFlag applies one --<directive> value override.
func (c *Config) ApplyFlag(name, value string) error {
	args, ok := SplitArgs(value)
	if !ok || len(args) == 0 {
		args = []string{value}
	}
	if d := c.Lookup(name); d != nil && d.kind == kString {
		args = []string{value}
	}
	if err := c.Set(name, args); err != nil {
		var ce *Error
		if e, ok := err.(*Error); ok {
			ce = e
		}
		if ce != nil && ce.Msg == "unknown" {
			return fmt.Errorf("unknown directive '%s'", name)
		}
		return fmt.Errorf("bad value for '%s' (%s): %s", name, value, c.Accepted(name, err))
	}
	return nil
}

// Rewrite writes the current configuration back to the file it was loaded
// from, as CONFIG REWRITE does: existing lines for known directives are
// replaced in place, other lines kept, and changed directives appended.
func (c *Config) Rewrite() error {
	if c.File == "" {
		return fmt.Errorf("The server is running without a config file")
	}
	old, err := os.ReadFile(c.File)
	if err != nil {
		return err
	}
	written := map[string]bool{}
	var out []string
	for _, line := range strings.Split(strings.TrimRight(string(old), "\n"), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			out = append(out, line)
			continue
		}
		args, ok := SplitArgs(t)
		if !ok || len(args) == 0 {
			out = append(out, line)
			continue
		}
		d := c.Lookup(args[0])
		if d == nil {
			out = append(out, line)
			continue
		}
		if written[d.Name] {
			continue
		}
		written[d.Name] = true
		out = append(out, c.confLine(d))
	}
	for _, d := range c.dirs {
		if !written[d.Name] {
			if v := d.format(); v != d.Default {
				out = append(out, c.confLine(d))
			}
		}
	}
	tmp := c.File + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, c.File)
}

func (c *Config) confLine(d *Directive) string {
	v := d.format()
	if d.kind == kSave {
		if v == "" {
			return `save ""`
		}
		f := strings.Fields(v)
		var lines []string
		for i := 0; i+1 < len(f); i += 2 {
			lines = append(lines, "save "+f[i]+" "+f[i+1])
		}
		return strings.Join(lines, "\n")
	}
	return d.Name + " " + quote(v)
}

func quote(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\"'\\") {
		return v
	}
	return fmt.Sprintf("%q", v)
}
