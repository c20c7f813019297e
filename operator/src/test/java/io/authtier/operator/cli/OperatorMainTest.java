package io.authtier.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.OperatorMainAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorMainTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "run --health-port abc | --health-port takes a port number",
      "run --health-port 70000 | --health-port takes a port number",
      "run --namespace | --namespace needs a value",
      "run --verbose | unknown option --verbose",
      "launch | unknown command launch",
      "render samples/minimal.yaml | unknown option samples/minimal.yaml",
      "render -f | -f needs a value",
      "render -f samples/minimal.yaml --operator-namespace | --operator-namespace needs a value",
      "render --operator-namespace ops | usage: render -f FILE|DIR [--operator-namespace NS]"})
  @DisplayName("Bad command lines exit 2 with a message that names the problem, before anything starts")
  void usageErrors(String commandLine, String message) throws Exception {
    var err = new ByteArrayOutputStream();
    var code = OperatorMainAccess.run(commandLine.split(" "), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(message);
  }
}
