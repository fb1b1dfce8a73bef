// Command stkit measures scattering-transform statistics of 2D fields,
// synthesises new fields from them, separates components and discovers
// components without labels.
//
// Usage:
//
//	stkit [global flags] <command> [flags] [args]
//
// Run `stkit help` for the list of commands and `stkit <command> --help` for
// the flags of one. Exit codes: 0 success, 1 failure, 2 bad input.
//
// Outputs are written atomically (a temporary file in the same folder,
// renamed over the name), so a failed or interrupted write leaves the
// earlier file, or none; a device or named pipe (/dev/stdout, /dev/null) is
// written in place. An output that would replace one of the command's inputs,
// or a file of a training run, patch dataset or model folder, is refused
// before any work (exit 2).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/graph"
)

// command is one subcommand: its name, a one-line summary, and a run function
// that parses its own flags from args.
type command struct {
	name    string
	summary string
	run     func(g *globals, args []string) error
}

// globals holds the flags that every subcommand understands.
type globals struct {
	backend string // GoMLX backend configuration ("" = automatic)
	engine  string // statistics engine: auto|cpu|graph
	verbose bool
	// quiet (-q): stderr is a quietWriter, keeping only warnings and errors
	quiet  bool
	stdout io.Writer
	stderr io.Writer
	// compileNoted: the graph engine's compilation note was printed
	compileNoted bool
	// usageOf: the command whose fs.Usage() was called for a usage error
	// (a missing argument): its error names `stkit CMD --help` (withUsageHint)
	usageOf string
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// badInput marks an error caused by the user's input (exit code 2).
type badInput struct{ err error }

func (b badInput) Error() string { return b.err.Error() }
func (b badInput) Unwrap() error { return b.err }

// badInputf returns an error that makes stkit exit with code 2.
func badInputf(format string, a ...any) error { return badInput{fmt.Errorf(format, a...)} }

// userBackendErr marks a failure to start the GoMLX backend as bad input
// (exit 2) when the configuration came from the user: the --backend flag
// (flag ≠ "") or $GOMLX_BACKEND. nil stays nil.
func userBackendErr(flag string, err error) error {
	if err == nil {
		return nil
	}
	if flag != "" {
		return badInputf("--backend %s: %v", flag, err)
	}
	if v := strings.TrimSpace(os.Getenv(backend.EnvVar)); v != "" {
		return badInputf("$%s=%s: %v", backend.EnvVar, v, err)
	}
	return err
}

// asBadInput wraps err (if non-nil) as a bad-input error.
func asBadInput(err error) error {
	if err == nil {
		return nil
	}
	return badInput{err}
}

func main() {
	exitOnSignals(os.Stderr, os.Args[1:]) // pipefix19: SIGTERM, Ctrl-C: exit 1, no partial file
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without os.Exit, for tests.
func run(args []string, stdout, stderr io.Writer) int {
	resetInterruptState()
	g := &globals{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("stkit", flag.ContinueOnError)
	fs.StringVar(&g.backend, "backend", "", "GoMLX backend: \"\" (auto: $GOMLX_BACKEND, else an XLA plugin if one is installed, else pure Go), \"go\", \"xla:cuda\", \"xla:/abs/path/xla_cuda_plugin.so\"")
	fs.StringVar(&g.engine, "engine", "auto", "statistics engine: auto (cpu unless an XLA backend is in use), cpu, graph")
	fs.BoolVar(&g.verbose, "v", false, "verbose logging")
	fs.BoolVar(&g.quiet, "q", false, "quiet: no progress bars and no information lines on stderr (\"stats: wrote …\"); warnings, notes and errors are still printed, and standard output (a command's tables and summaries, as train's and stats --compare's) is left as it is; for scripts that run stkit in loops")
	// The flag package prints its error and the usage itself, both to one
	// output: they are printed here instead, so that an explicitly requested
	// help (`stkit --help`, `stkit -h`) goes to stdout with exit 0, as `stkit
	// help` does (`stkit --help | less` showed nothing), and the usage after
	// a bad global flag to stderr with exit 2.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fs)
			return 0
		}
		fmt.Fprintln(stderr, err)
		usage(stderr, fs)
		return 2
	}
	level := slog.LevelWarn
	if g.verbose {
		level = slog.LevelDebug
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})))
	if g.quiet {
		// the commands write through g.stderr: their information lines and
		// progress bars are dropped there (quietWriter, newBar); errors
		// (exitCode), the datasets' notices and slog write to stderr itself
		g.stderr = quietWriter{stderr}
	}
	rest := fs.Args()
	if len(rest) == 0 {
		usage(stderr, fs)
		return 2
	}
	name := rest[0]
	if name == "help" || name == "-h" || name == "--help" {
		if len(rest) > 1 && rest[1] != "help" && rest[1] != "-h" && rest[1] != "--help" {
			c, ok := commands[rest[1]]
			if !ok {
				// `stkit help foo` printed the general usage with exit 0,
				// as if foo were documented there.
				fmt.Fprintf(stderr, "stkit: unknown command %q (run `stkit help`)\n", rest[1])
				return 2
			}
			return exitCode(c.run(g, []string{"--help"}), stderr)
		}
		usage(stdout, fs)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "stkit: unknown command %q (run `stkit help`)\n", name)
		return 2
	}
	// The datasets package's notices (an .npz of several arrays read from
	// its first) are printed as the commands' own warnings, not as a slog
	// record ("time=… level=WARN msg=…"); the previous handler is restored
	// on return, since tests call run again and again.
	prev := datasets.SetNotify(datasetsNotify(stderr, name))
	defer datasets.SetNotify(prev)
	return exitCode(withUsageHint(g, c.run(g, rest[1:])), stderr)
}

// datasetsNotify returns the handler of the datasets package's notices for
// command name: each is printed on stderr as "NAME: warning: NOTICE", as the
// commands print their own warnings. Reads may run in several goroutines:
// the lines are written one at a time.
func datasetsNotify(stderr io.Writer, name string) func(msg string) {
	var mu sync.Mutex
	return func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stderr, "%s: warning: %s\n", name, msg)
	}
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var bi badInput
	fmt.Fprintf(stderr, "stkit: %s\n", userMessage(err.Error()))
	if errors.As(err, &bi) || scaleRefusal(err) || sizeRefusal(err) {
		return 2
	}
	return 1
}

// scaleRefusal tells whether err is an engine's refusal of maps outside its
// number range (graph.ErrFloat32Range: a map below graph.MinMapScale, or
// coefficients overflowing float32; cpu.ErrFloat64Range likewise): the
// input's scale, to be multiplied as the message says, so exit status 2 as
// for any bad input, whichever command met it (stats returned it as a
// failure, exit 1, where synth already gave 2).
func scaleRefusal(err error) bool {
	return errors.Is(err, graph.ErrFloat32Range) || errors.Is(err, cpu.ErrFloat64Range)
}

// plumbingPrefixes open the errors of the packages that read and write files
// ("datasets: x.npy: npy: wrong magic …", "datasets: setA: J=7 needs maps …",
// "checkpoints: writing out.json: …"), and of the model packages vae and gmm
// ("vae: non-finite input value +Inf at row 0 column 13" of stkit clusters
// on features beyond float32), Go's convention for library callers, who
// keep them (and match the errors with errors.Is/As). On stderr they named
// a Go package for a plain input mistake. The statistics' prefixes (wst:,
// scov:, wph:) name the statistic the user chose and stay.
var plumbingPrefixes = []string{"datasets: ", "checkpoints: ", "vae: ", "gmm: "}

// userMessage is msg without plumbingPrefixes where they open a part of it
// (at its start or after ": "): "stkit: setA: J=7 needs maps of at least
// 256×256 pixels …" rather than "stkit: datasets: setA: J=7 …".
func userMessage(msg string) string {
	for _, p := range plumbingPrefixes {
		msg = strings.ReplaceAll(strings.TrimPrefix(msg, p), ": "+p, ": ")
	}
	return msg
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "stkit — scattering-transform statistics of physical fields")
	fmt.Fprintln(w, "\nUsage: stkit [global flags] <command> [flags] [args]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nNew to stkit? `stkit demo` runs the whole pipeline (statistics, clustering, synthesis,")
	fmt.Fprintln(w, "separation) on built-in synthetic maps in about a minute, writing ./stkit-demo/.")
	fmt.Fprintln(w, "\nGlobal flags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nExit codes: 0 success, 1 failure, 2 bad input. Outputs are written atomically; one that")
	fmt.Fprintln(w, "would replace an input, or a file of a run, dataset or model folder, is refused (exit 2).")
	fmt.Fprintln(w, "\nRun `stkit <command> --help` for a command's flags.")
}

// newFlagSet makes a subcommand flag set whose --help (or -h) prints the
// summary and the flags on stdout, as `stkit help` does: asked-for help is
// the command's output (`stkit synth --help | less`; it went to stderr). Its
// fs.Usage(), which a command calls before returning a usage error (a
// missing argument), prints nothing: the error, on stderr, names the
// command's --help instead (withUsageHint).
func newFlagSet(g *globals, name, argsUsage, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet("stkit "+name, flag.ContinueOnError)
	fs.SetOutput(g.stderr)
	setHelp(fs, func() {
		fmt.Fprintf(g.stdout, "Usage: %s\n\n%s\n\nFlags:\n", strings.TrimSpace("stkit "+name+" [flags] "+argsUsage), strings.TrimSpace(summary))
		fs.SetOutput(g.stdout) // parseFlags restores the output
		fs.PrintDefaults()
	})
	fs.Usage = func() { g.usageOf = fs.Name() }
	return fs
}

// parseFlags parses args allowing flags after positional arguments
// (`stkit stats map.npy -J 6`), which the flag package alone does not.
// A bad flag is reported in one line (the error and where to find the
// flags), not after the whole usage text; --help prints the usage.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard) // the flag package prints its error itself
	defer func() { fs.Usage = usage; fs.SetOutput(out); dropHelp(fs) }()
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			fs.Usage = usage
			fs.SetOutput(out)
			if errors.Is(err, flag.ErrHelp) {
				printHelp(fs)
				return nil, err
			}
			// A command with a flag of its own named -h (train: the hidden
			// width) takes a bare -h, the usual way to ask for help, as that
			// flag without its value: `stkit train -h` failed with "flag needs
			// an argument: -h".
			if fs.Lookup("h") != nil && (err.Error() == "flag needs an argument: -h" || err.Error() == "flag needs an argument: --h") {
				printHelp(fs)
				return nil, flag.ErrHelp
			}
			if h := fs.Lookup("h"); h != nil && strings.Contains(err.Error(), " for flag -h: ") {
				return nil, badInput{fmt.Errorf("%v (-h here is: %s; run `%s --help` for the flags)", err, h.Usage, fs.Name())}
			}
			for _, gf := range []string{"engine", "backend"} {
				if e := err.Error(); (e == "flag provided but not defined: -"+gf || e == "flag provided but not defined: --"+gf) && fs.Lookup(gf) == nil {
					cmd := strings.TrimPrefix(fs.Name(), "stkit ")
					return nil, badInput{fmt.Errorf("%v: --%s is a global flag; put it before the command: `stkit --%s VALUE %s …`", err, gf, gf, cmd)}
				}
			}
			return nil, badInput{fmt.Errorf("%v (run `%s --help` for the flags)", err, fs.Name())}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
