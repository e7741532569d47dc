package commands

// zsetCommands is this family's part of the command table.
var zsetCommands = []*Spec{}
