package main

import (
	"flag"
	"os"
	"sort"
	"strings"
	"testing"

	"sundial/commands"
)

var updateREADME = flag.Bool("update", false, "rewrite the README's command list")

// commandList renders the README's supported-commands block from the table.
func commandList() string {
	groups := commands.ByGroup()
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("<!-- commands:begin -->\n")
	for _, g := range names {
		cmds := groups[g]
		for i, c := range cmds {
			cmds[i] = strings.ToUpper(c)
		}
		b.WriteString("- **" + g + "**: " + strings.Join(cmds, " ") + "\n")
	}
	b.WriteString("<!-- commands:end -->")
	return b.String()
}

// The README lists exactly the commands of the table (go test -update
// rewrites the list).
func TestREADMEListsEveryCommand(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	begin := strings.Index(s, "<!-- commands:begin -->")
	end := strings.Index(s, "<!-- commands:end -->")
	if begin < 0 || end < begin {
		t.Fatal("README.md has no commands:begin/end markers")
	}
	end += len("<!-- commands:end -->")
	want := commandList()
	if *updateREADME {
		s = s[:begin] + want + s[end:]
		if err := os.WriteFile("README.md", []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if s[begin:end] != want {
		t.Fatal("README.md's command list is out of date: run go test . -run README -update")
	}
}
