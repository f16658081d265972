package io.rhei.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rhei} command. */
@Command(name = "rhei", mixinStandardHelpOptions = true, version = "rhei 0.1.0",
        description = "Keeps analytical copies of PostgreSQL tables current and queries them with DataFusion.",
        subcommands = {DemoCommand.class, RunCommand.class, ReplayCommand.class, ResyncCommand.class, QueryCommand.class, StatusCommand.class, ServeCommand.class})
public final class RheiCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, with errors Rhei explains itself ({@link io.rhei.core.RheiException}: the message names
     * what is wrong and the fix) printed as one line; anything else with its stack trace, as a bug.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new RheiCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof io.rhei.core.RheiException || ex instanceof IllegalArgumentException) {
                cmd.getErr().println("rhei " + cmd.getCommandName() + ": " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return cl;
    }

    /** The outcome of a command run in-process (for tests): its exit code and what it wrote to stderr. */
    public record Run(int exitCode, String errors) {
    }

    /** Runs a command with its standard output going to {@code out}. */
    public static Run run(java.io.PrintStream out, String... args) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        CommandLine cl = commandLine();
        cl.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(err, java.nio.charset.StandardCharsets.UTF_8), true));
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommand() instanceof QueryCommand q) {
                q.out = out;
                q.err = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
            }
            if (sub.getCommand() instanceof ReplayCommand r) {
                r.out = out;
            }
            if (sub.getCommand() instanceof ResyncCommand r) {
                r.out = out;
            }
            if (sub.getCommand() instanceof StatusCommand s) {
                s.out = out;
                s.err = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        int code = cl.execute(args);
        return new Run(code, err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
}
