package commands

// bitmapCommands is this family's part of the command table.
var bitmapCommands = []*Spec{}
