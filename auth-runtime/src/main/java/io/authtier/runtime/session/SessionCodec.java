package io.authtier.runtime.session;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Session} to and from JSON bytes, version 1. The bytes hold tokens: they go only into
 * {@link SessionCipher#seal}, never into a log or an exception message.
 *
 * <p>Stored shape: short names, absent values left out, instants as epoch milliseconds:
 * {@code {"v":1,"iss","sub","sid"?,"email"?,"pun"?,"groups":[..],"roles"?:[..],"scp"?:[..],"at","rt"?,"it"?,
 * "atExp","created","seen"}}. Unknown fields are skipped (a newer writer may add some). Written and read
 * with Jackson's streaming API: every {@code /auth} with a cookie that is not in the session memory
 * decodes one, and object mapping cost three times as much.
 */
public final class SessionCodec {

    private static final JsonFactory JSON = new JsonFactory();

    public byte[] encode(Session session) {
        SessionTokens tokens = session.tokens();
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + tokens.accessToken().length()
                + tokens.refreshToken().map(String::length).orElse(0) + tokens.idToken().map(String::length).orElse(0));
        encode(session, out);
        return out.toByteArray();
    }

    /** Writes {@code session}'s bytes to {@code out} (which must not be one that logs or keeps them). */
    public void encode(Session session, OutputStream out) {
        SessionTokens tokens = session.tokens();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("v", 1);
            json.writeStringField("iss", session.issuer());
            json.writeStringField("sub", session.subject());
            optional(json, "sid", session.idpSessionId());
            optional(json, "email", session.email());
            optional(json, "pun", session.preferredUsername());
            strings(json, "groups", session.groups());
            if (!session.roles().isEmpty()) {
                strings(json, "roles", session.roles());
            }
            if (!session.scopes().isEmpty()) {
                strings(json, "scp", session.scopes());
            }
            json.writeStringField("at", tokens.accessToken());
            optional(json, "rt", tokens.refreshToken());
            optional(json, "it", tokens.idToken());
            json.writeNumberField("atExp", tokens.accessTokenExpiresAt().toEpochMilli());
            json.writeNumberField("created", session.createdAt().toEpochMilli());
            json.writeNumberField("seen", session.lastSeenAt().toEpochMilli());
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a session: " + e.getClass().getSimpleName());
        }
    }

    /** The session, or empty if {@code bytes} are not a version-1 session (the cause is not kept: it may quote data). */
    public Optional<Session> decode(byte[] bytes) {
        try (JsonParser json = JSON.createParser(bytes)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            int version = 0;
            String iss = null, sub = null, sid = null, email = null, pun = null, at = null, rt = null, it = null;
            List<String> groups = List.of(), roles = List.of(), scopes = List.of();
            long atExp = 0, created = 0, seen = 0;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "v" -> version = json.getIntValue();
                    case "iss" -> iss = text(json, value);
                    case "sub" -> sub = text(json, value);
                    case "sid" -> sid = text(json, value);
                    case "email" -> email = text(json, value);
                    case "pun" -> pun = text(json, value);
                    case "groups" -> groups = strings(json, value);
                    case "roles" -> roles = strings(json, value);
                    case "scp" -> scopes = strings(json, value);
                    case "at" -> at = text(json, value);
                    case "rt" -> rt = text(json, value);
                    case "it" -> it = text(json, value);
                    case "atExp" -> atExp = json.getLongValue();
                    case "created" -> created = json.getLongValue();
                    case "seen" -> seen = json.getLongValue();
                    default -> json.skipChildren();
                }
            }
            if (version != 1 || iss == null || sub == null || at == null || json.currentToken() != JsonToken.END_OBJECT
                    || json.nextToken() != null) { // nothing after the object
                return Optional.empty();
            }
            return Optional.of(new Session(iss, sub, Optional.ofNullable(sid), Optional.ofNullable(email), Optional.ofNullable(pun),
                    groups, roles, scopes,
                    new SessionTokens(at, Optional.ofNullable(rt), Optional.ofNullable(it), Instant.ofEpochMilli(atExp)),
                    Instant.ofEpochMilli(created), Instant.ofEpochMilli(seen)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void optional(JsonGenerator json, String field, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            json.writeStringField(field, value.get());
        }
    }

    private static void strings(JsonGenerator json, String field, List<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    /** A string or null; anything else is not a session. */
    private static String text(JsonParser json, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_STRING -> json.getText();
            case VALUE_NULL -> null;
            default -> throw new IOException("not a string");
        };
    }

    private static List<String> strings(JsonParser json, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (value != JsonToken.START_ARRAY) {
            throw new IOException("not an array");
        }
        List<String> values = new ArrayList<>(4);
        for (JsonToken item = json.nextToken(); item != JsonToken.END_ARRAY; item = json.nextToken()) {
            if (item != JsonToken.VALUE_STRING) {
                throw new IOException("not a string");
            }
            values.add(json.getText());
        }
        return values;
    }
}
