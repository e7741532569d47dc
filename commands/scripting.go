package commands

// scriptingCommands is the scripting family of the command table.
var scriptingCommands = []*Spec{}

// scriptRegistry holds loaded scripts and function libraries.
type scriptRegistry struct{}
