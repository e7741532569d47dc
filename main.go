// Command sundial is a Redis-protocol server with named keyspaces and a
// built-in bitemporal "tau" type.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"sundial/commands"
	"sundial/server"
)

func main() {
	app := &cli.App{
		Name:  "sundial",
		Usage: "a Redis-compatible server with named keyspaces and time built in",
		Description: "sundial [serve] [redis.conf] [--<directive> value ...] starts the server.\n" +
			"Every directive of redis.conf.example can be given as --<directive> or SUNDIAL_<DIRECTIVE>.",
		HideHelpCommand: true,
		SkipFlagParsing: true,
		Action: func(ctx *cli.Context) error {
			return serve(ctx.Args().Slice())
		},
		Commands: []*cli.Command{
			{
				Name:            "serve",
				Usage:           "start the server (the default)",
				ArgsUsage:       "[redis.conf] [--<directive> value ...]",
				SkipFlagParsing: true,
				Action:          func(ctx *cli.Context) error { return serve(ctx.Args().Slice()) },
			},
			{
				Name:      "check",
				Usage:     "verify every file of a data dir; --fix truncates a torn AOF tail",
				ArgsUsage: "[--fix] DIR",
				Flags:     []cli.Flag{&cli.BoolFlag{Name: "fix", Usage: "truncate a torn AOF tail (the original is copied aside)"}},
				Action: func(ctx *cli.Context) error {
					if ctx.NArg() != 1 {
						return cli.Exit("usage: sundial check [--fix] DIR", 2)
					}
					return check(ctx.Args().First(), ctx.Bool("fix"))
				},
			},
			{
				Name:  "version",
				Usage: "print the version",
				Action: func(ctx *cli.Context) error {
					fmt.Printf("sundial %s (Redis %s compatible)\n", commands.Version, commands.RedisVersion)
					return nil
				},
			},
		},
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "sundial:", err)
		os.Exit(1)
	}
}

func serve(args []string) error {
	for _, a := range args {
		if a == "-h" || a == "--help" {
			fmt.Println("usage: sundial [serve] [redis.conf] [--<directive> value ...]")
			return nil
		}
	}
	cfg, warnings, err := server.LoadConfig(args, os.Environ())
	if err != nil {
		fmt.Fprintln(os.Stderr, "sundial:", err)
		os.Exit(1)
	}
	for _, w := range warnings {
		fmt.Fprintln(os.Stderr, "sundial: warning:", w)
	}
	if err := server.Run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "sundial:", strings.TrimSpace(err.Error()))
		os.Exit(1)
	}
	return nil
}
