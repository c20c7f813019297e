package io.authtier.runtime.token.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("JsonObjects: a JWS header or payload, read strictly")
class JsonObjectsTest {

    @Test
    @DisplayName("An object reads into maps, lists, Long, BigInteger, Double, Boolean and null, in order")
    void shapes() {
        Map<String, Object> object = JsonObjects.parse(utf8("""
                {"sub":"ada","exp":1795980000,"big":123456789012345678901234567890,"ratio":0.5,
                 "aud":["a","b"],"realm_access":{"roles":["admin"]},"email_verified":true,"nickname":null,"name":"Åsa 名"}"""));

        assertThat(object.keySet()).containsExactly("sub", "exp", "big", "ratio", "aud", "realm_access", "email_verified", "nickname", "name");
        assertThat(object).containsEntry("sub", "ada").containsEntry("exp", 1795980000L)
                .containsEntry("big", new BigInteger("123456789012345678901234567890")).containsEntry("ratio", 0.5)
                .containsEntry("aud", List.of("a", "b")).containsEntry("realm_access", Map.of("roles", List.of("admin")))
                .containsEntry("email_verified", true).containsEntry("nickname", null).containsEntry("name", "Åsa 名");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"sub\":\"a\",\"sub\":\"admin\"}",
        "{\"r\":{\"roles\":[],\"roles\":[\"admin\"]}}",
        "{\"sub\":\"a\"}{}",
        "{\"sub\":\"a\"} x",
        "[{\"sub\":\"a\"}]",
        "\"sub\"",
        "{'sub':'a'}",
        "{sub:\"a\"}",
        "{\"sub\":\"a\",}",
        "{\"sub\":\"a\" /* c */}",
        "{\"n\":NaN}",
        "{\"sub\":\"a\"",
        ""
    })
    @DisplayName("Not one strict JSON object (a name twice, anything after it, lenient syntax): none")
    void notOneObject(String json) {
        assertThat(JsonObjects.parse(utf8(json))).isNull();
    }

    @Test
    @DisplayName("Nesting: 16 levels read, 17 do not")
    void depth() {
        assertThat(JsonObjects.parse(utf8("{\"a\":" + "[".repeat(15) + "]".repeat(15) + "}"))).isNotNull();
        assertThat(JsonObjects.parse(utf8("{\"a\":" + "[".repeat(16) + "]".repeat(16) + "}"))).isNull();
    }

    @Test
    @DisplayName("Bytes that are not UTF-8 are none: UTF-16 either way, an overlong '/', an encoded surrogate, beyond U+10FFFF")
    void onlyUtf8() {
        assertThat(JsonObjects.parse("{\"sub\":\"x\"}".getBytes(StandardCharsets.UTF_16BE))).isNull();
        assertThat(JsonObjects.parse("{\"sub\":\"x\"}".getBytes(StandardCharsets.UTF_16LE))).isNull();
        assertThat(JsonObjects.parse(withBytes("{\"sub\":\"a", 0xC0, 0xAF, "\"}"))).isNull();
        assertThat(JsonObjects.parse(withBytes("{\"sub\":\"a", 0xC0, 0x80, "\"}"))).isNull();
        assertThat(JsonObjects.parse(withBytes("{\"sub\":\"a", 0xED, 0xA0, 0x80, "\"}"))).isNull();
        assertThat(JsonObjects.parse(withBytes("{\"sub\":\"a", 0xF5, 0x80, 0x80, 0x80, "\"}"))).isNull();
        assertThat(JsonObjects.parse(withBytes("{\"sub\":\"adm", 0xC1, 0xA9, "n\"}"))).isNull();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Text and raw bytes, in order: strings as UTF-8, integers as one byte each. */
    private static byte[] withBytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String text) {
                out.writeBytes(utf8(text));
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }
}
