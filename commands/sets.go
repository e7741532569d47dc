package commands

// setCommands is this family's part of the command table.
var setCommands = []*Spec{}
