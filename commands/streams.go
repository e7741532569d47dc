package commands

// streamCommands is this family's part of the command table.
var streamCommands = []*Spec{}
