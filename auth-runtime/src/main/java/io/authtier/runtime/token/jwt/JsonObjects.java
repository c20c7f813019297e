package io.authtier.runtime.token.jwt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JWS header or payload (UTF-8 JSON) read into a {@code Map}: objects as maps, arrays as lists, integers as
 * {@code Long} (or {@code BigInteger} beyond it), other numbers as {@code Double}, as {@link Claims} expects.
 * Strict where a lenient parser would let one token say two things: a name twice, anything after the object,
 * bytes that are not UTF-8, or nesting deeper than {@link CompactJws#MAX_JSON_DEPTH}, are each no object at all.
 *
 * <p>Jackson's streaming parser: a first-seen token is parsed before its signature is checked, and nimbus's Gson
 * (a type adapter per value) cost about a seventh of that check.
 */
final class JsonObjects {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(CompactJws.MAX_JSON_DEPTH).build())
            .build();

    private JsonObjects() {
    }

    /** The object that {@code utf8} holds, or null if it holds anything else. */
    static Map<String, Object> parse(byte[] utf8) {
        String text;
        try {
            // Decoded strictly first: Jackson's own byte reader guesses UTF-16 and UTF-32, skips a BOM, and takes
            // overlong forms and encoded surrogates, so bytes a strict reader sees otherwise would pass as a name.
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        try (JsonParser json = JSON.createParser(text)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Map<String, Object> object = object(json);
            return json.nextToken() == null ? object : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Map<String, Object> object(JsonParser json) throws IOException {
        Map<String, Object> object = new LinkedHashMap<>();
        for (JsonToken token = json.nextToken(); token != JsonToken.END_OBJECT; token = json.nextToken()) {
            String name = json.currentName();
            object.put(name, value(json, json.nextToken()));
        }
        return object;
    }

    private static List<Object> array(JsonParser json) throws IOException {
        List<Object> array = new ArrayList<>();
        for (JsonToken token = json.nextToken(); token != JsonToken.END_ARRAY; token = json.nextToken()) {
            array.add(value(json, token));
        }
        return array;
    }

    private static Object value(JsonParser json, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> object(json);
            case START_ARRAY -> array(json);
            case VALUE_STRING -> json.getText();
            case VALUE_NUMBER_INT -> json.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? (BigInteger) json.getBigIntegerValue() : (Object) json.getLongValue();
            case VALUE_NUMBER_FLOAT -> json.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected JSON token " + token);
        };
    }
}
