package io.authtier.operator;

import io.authtier.operator.dependents.DesiredState;
import io.authtier.operator.cli.DemoCommand;
import io.authtier.operator.cli.RenderCommand;
import io.authtier.operator.cli.RunCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Entry point: `run` (the default), `render -f FILE`, `demo [DIR]`. Wiring only. */
public final class OperatorMain {
  static final int USAGE = 2;
  static final String HELP = """
      Usage: java -jar authtier-operator.jar [COMMAND]
        run [--no-leader-election] [--health-port N] [--namespace NS]...
                         run the operator against the current kubeconfig or in-cluster (default)
        render -f FILE [--operator-namespace NS]
                         print every object the operator would apply for the AuthTier(s) in FILE
                         (NS: where the operator runs, default authtier-system)
        demo [DIR]       run the operator on an embedded Kubernetes API with the samples in DIR
                         (default: samples) applied, and print what it made
      Environment: WATCH_NAMESPACES (comma-separated; default all), POD_NAMESPACE (Lease namespace)
      """;

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    var command = args.length == 0 ? "run" : args[0];
    if (!command.equals("run")) {
      // render and demo print for people; only warnings go to the (JSON, stderr) log.
      System.setProperty("authtier.log.level", "WARN");
    }
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    var command = args.length == 0 ? "run" : args[0];
    switch (command) {
      case "render" -> {
        Path file = null;
        var operatorNamespace = DesiredState.DEFAULT_OPERATOR_NAMESPACE;
        try {
          for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
              case "-f", "--file" -> file = Path.of(requireValue(args, ++i, "-f"));
              case "--operator-namespace" -> operatorNamespace = requireValue(args, ++i, "--operator-namespace");
              default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
          }
        } catch (IllegalArgumentException e) {
          err.println("render: " + e.getMessage());
          file = null;
        }
        if (file == null) {
          err.println("render: usage: render -f FILE|DIR [--operator-namespace NS]");
          return USAGE;
        }
        return RenderCommand.run(file, Optional.of(operatorNamespace), out, err);
      }
      case "demo" -> {
        return DemoCommand.run(Path.of(args.length > 1 ? args[1] : "samples"), out, err);
      }
      case "run" -> {
        var leaderElection = true;
        var healthPort = 8081;
        Set<String> namespaces = new HashSet<>(RunCommand.namespacesFromEnvironment());
        try {
          for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
              case "--no-leader-election" -> leaderElection = false;
              case "--health-port" -> healthPort = port(requireValue(args, ++i, "--health-port"));
              case "--namespace" -> namespaces.add(requireValue(args, ++i, "--namespace"));
              default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
          }
        } catch (IllegalArgumentException e) {
          err.print("run: " + e.getMessage() + "\n" + HELP);
          return USAGE;
        }
        return RunCommand.run(new RunCommand.Options(leaderElection, healthPort, namespaces));
      }
      case "-h", "--help", "help" -> {
        out.print(HELP);
        return 0;
      }
      default -> {
        err.print("unknown command " + command + "\n" + HELP);
        return USAGE;
      }
    }
  }

  private static int port(String value) {
    try {
      var port = Integer.parseInt(value);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--health-port takes a port number from 1 to 65535, not '" + value + "'");
  }

  private static String requireValue(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }
}
