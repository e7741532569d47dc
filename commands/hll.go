package commands

// hllCommands is this family's part of the command table.
var hllCommands = []*Spec{}
