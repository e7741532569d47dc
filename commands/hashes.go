package commands

// hashCommands is this family's part of the command table.
var hashCommands = []*Spec{}
