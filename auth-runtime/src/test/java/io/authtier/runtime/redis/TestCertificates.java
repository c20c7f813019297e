package io.authtier.runtime.redis;

import io.lettuce.core.SslOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway CA and one server certificate it signed, made with the {@code openssl} command (the JDK cannot
 * sign a certificate without internal APIs). Valid for a day, in a test's directory.
 */
public record TestCertificates(Path caCert, Path serverCert, Path serverKey) {

    /** A new CA and a server certificate for {@code subjectAltName} (e.g. {@code IP:127.0.0.1}) in {@code dir}. */
    public static TestCertificates create(Path dir, String subjectAltName) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.ext"), "subjectAltName=" + subjectAltName
                    + "\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
            openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=AuthTier test CA",
                    "-keyout", "ca.key", "-out", "ca.crt");
            openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=redis", "-keyout", "server.key", "-out", "server.csr");
            openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-days", "1", "-extfile", "server.ext", "-out", "server.crt");
            return new TestCertificates(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Client TLS that trusts this CA only (host names still verified); no JVM-wide property is touched. */
    public SslOptions trustingCa() {
        return SslOptions.builder().jdkSslProvider().trustManager(caCert.toFile()).build();
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed; see " + dir.resolve("openssl.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }
}
