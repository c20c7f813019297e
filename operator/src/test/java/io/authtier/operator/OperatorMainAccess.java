package io.authtier.operator;

import java.io.PrintStream;

/** Lets tests in other packages call the CLI without System.exit. */
public final class OperatorMainAccess {
  private OperatorMainAccess() {}

  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    return OperatorMain.run(args, out, err);
  }
}
