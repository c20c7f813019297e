package io.authtier.runtime.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a class of this benchmark's class path in a JVM of its own, with the logging the bench itself runs with. */
final class Jvm {

    private Jvm() {
    }

    /** {@code java [flags] -cp <this class path> main [args]}, its output discarded. */
    static Process start(List<String> flags, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("--enable-native-access=ALL-UNNAMED"); // Netty's epoll and AWS-LC, as the packaged jar's manifest allows
        command.addAll(flags);
        if (System.getProperty("logback.configurationFile") != null) { // the production logging, not the tests'
            command.add("-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
