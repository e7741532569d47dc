package commands

// sortCommands is this family's part of the command table.
var sortCommands = []*Spec{}
