package io.authtier.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.authtier.runtime.cache.FakeTime;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("RateLimitedLog")
class RateLimitedLogTest {

    @Test
    @DisplayName("Logs once per interval and says how many were left out")
    void oncePerInterval() {
        Logger logger = (Logger) LoggerFactory.getLogger("test.rate-limited");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        FakeTime time = new FakeTime();
        RateLimitedLog log = new RateLimitedLog(logger, time, Duration.ofSeconds(30));

        for (int i = 0; i < 3; i++) {
            log.warn("Redis down: {}", "ConnectException");
        }
        time.advance(Duration.ofSeconds(30));
        log.warn("Redis down: {}", "ConnectException");

        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "Redis down: ConnectException",
                "Redis down: ConnectException (2 similar warnings left out)");
        logger.detachAppender(appender);
    }
}
