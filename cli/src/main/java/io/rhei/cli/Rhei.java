package io.rhei.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rhei} command. */
@Command(name = "rhei", mixinStandardHelpOptions = true, version = "rhei 0.1.0",
        description = "Keeps analytical copies of PostgreSQL tables current and queries them with DataFusion.",
        subcommands = {DemoCommand.class})
public final class Rhei implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Rhei()).execute(args));
    }
}
