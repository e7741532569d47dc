package commands

// listCommands is this family's part of the command table.
var listCommands = []*Spec{}
