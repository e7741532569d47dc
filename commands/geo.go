package commands

// geoCommands is this family's part of the command table.
var geoCommands = []*Spec{}
