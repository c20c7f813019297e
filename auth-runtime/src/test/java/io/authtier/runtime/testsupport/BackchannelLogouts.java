package io.authtier.runtime.testsupport;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** What an IdP does for OIDC Back-Channel Logout: POST its logout token as a form to the runtime at {@code base}. */
public final class BackchannelLogouts {
    private BackchannelLogouts() {
    }

    public static CompletableFuture<HttpResponse<String>> postAsync(String base, String logoutToken) {
        return HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(base + "/oauth2/backchannel-logout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("logout_token=" + URLEncoder.encode(logoutToken, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(60))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<String> post(String base, String logoutToken) {
        return postAsync(base, logoutToken).join();
    }
}
