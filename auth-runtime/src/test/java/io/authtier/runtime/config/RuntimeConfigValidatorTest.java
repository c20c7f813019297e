package io.authtier.runtime.config;

import static io.authtier.runtime.config.Configs.MINIMAL;
import static io.authtier.runtime.config.Configs.configOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RuntimeConfigValidator on records built in code")
class RuntimeConfigValidatorTest {

    private final RuntimeConfigValidator validator = new RuntimeConfigValidator();

    @Test
    @DisplayName("A configuration the loader accepts has no cross-field problem")
    void loadedConfigIsValid() {
        // Given a loaded configuration
        RuntimeConfig config = configOf(MINIMAL);

        // When it is validated again, then nothing is wrong
        assertThat(validator.validate(config)).isEmpty();
    }

    @Test
    @DisplayName("A configuration changed in code is checked the same way as a file")
    void changedInCode() {
        // Given a valid configuration given a Redis store and an issuer-less login in code
        RuntimeConfig loaded = configOf(MINIMAL);
        SessionsConfig sessions = new SessionsConfig(SessionStoreType.Redis, loaded.sessions().cookie(),
                loaded.sessions().idleTimeout(), loaded.sessions().absoluteTimeout(),
                Optional.of(new LoginConfig("nobody", "web", Optional.empty(), List.of("openid"), List.of("a.example"),
                        Optional.empty(), false)), AccessTokenPassing.None, loaded.sessions().localCacheTtl());
        RuntimeConfig config = new RuntimeConfig(loaded.server(), loaded.issuers(), loaded.tokenCache(),
                loaded.resilience(), sessions, Optional.empty(), List.of());

        // When it is validated
        List<ConfigProblem> problems = validator.validate(config);

        // Then each broken rule is reported
        assertThat(problems).extracting(ConfigProblem::path)
                .containsExactly("sessions.store", "sessions.cookie.signingKeys", "sessions.login.issuer");
    }
}
