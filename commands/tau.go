package commands

// tauCommands is this family's part of the command table.
var tauCommands = []*Spec{}
