package dev.sluice.gateway.admin;

import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Malformed and hostile Admin API documents for the fuzz pass. Each one is invalid for certain (random JSON, broken
 * syntax, or a valid route with at least one defect), and many carry SpEL, template or path tricks on top, so a
 * document that slipped through would be a real finding, not noise.
 */
final class HostileDocuments {

    static final List<String> TRICKS = List.of(
            "#{T(java.lang.Runtime).getRuntime().exec('touch /tmp/pwned')}",
            "${jndi:ldap://127.0.0.1:1/a}", "#{@environment.getProperty('sluice')}", "${sluice.gateway.admin.tokens}",
            "T(java.lang.System).exit(1)", "{{7*7}}", "../../../../etc/passwd", "file:/etc/passwd",
            "classpath:../../application.yml", "\u0000\u0001\u0002", "\uD83D\uDE00\u202E", "'; DROP TABLE routes; --",
            "<script>alert(1)</script>", "%00%0d%0aSet-Cookie: a=b", "x".repeat(5000));

    /** Defects that make a route document invalid whatever else it holds. */
    private static final List<BiFunction<Random, String, String>> DEFECTS = List.of(
            (r, base) -> base.replace("\"uri\":\"", "\"uri\":\"" + pick(r, List.of("ftp://", "gopher://", "file:", "#{", "jar:", "forward:")) + "x"),
            (r, base) -> base.replace("\"path\":\"/", "\"path\":\"" + pick(r, TRICKS)),
            (r, base) -> base.replace("}}", "},\"filters\":[{\"name\":\"SetPath\",\"args\":{\"template\":\"" + esc(pick(r, TRICKS)) + "\"}}]}"),
            (r, base) -> base.replace("}}", "},\"timeout\":\"" + esc(pick(r, TRICKS)) + "\"}"),
            (r, base) -> base.replace("}}", "},\"rateLimit\":{\"rate\":" + pick(r, List.of("-1", "0", "1e309", "\"#{1}\"", "[]", "null")) + "}}"),
            (r, base) -> base.replace("}}", "},\"retry\":{\"attempts\":" + (r.nextInt(1000) + 11) + "}}"),
            (r, base) -> base.replace("}}", "},\"split\":[{\"uri\":\"http://169.254.169.254/\",\"weight\":" + r.nextInt(100) + "}]}"),
            (r, base) -> base.replace("}}", "},\"validate\":{\"jsonSchema\":\"" + esc(pick(r, List.of("file:/etc/passwd", "http://127.0.0.1:1/s.json", "#{1}"))) + "\"}}"),
            (r, base) -> base.replace("}}", "},\"" + esc(pick(r, TRICKS)) + "\":1}"),
            (r, base) -> base.replace("}}", "},\"match\":{\"path\":\"/dup\"}}"),
            (r, base) -> base.replace("\"match\":{", "\"match\":{\"methods\":[\"" + esc(pick(r, TRICKS)) + "\"],"),
            (r, base) -> base.replace("\"match\":{", "\"match\":{\"headers\":{\"" + esc(pick(r, TRICKS)) + "\":null},"),
            (r, base) -> base.substring(0, r.nextInt(base.length())),
            (r, base) -> "[".repeat(2000 + r.nextInt(3000)),
            (r, base) -> "{\"a\":".repeat(1500) + "1" + "}".repeat(1500),
            (r, base) -> randomJson(r, 0),
            (r, base) -> "{\"routes\":" + randomJson(r, 0) + ",\"x\":1}",
            (r, base) -> "{\"routes\":[" + base.replace("\"uri\":\"", "\"uri\":\"#{") + "]}");

    private HostileDocuments() {
    }

    static String next(Random random, String backendUrl) {
        String base = "{\"uri\":\"" + backendUrl + "\",\"match\":{\"path\":\"/fuzz/**\"}}";
        String document = DEFECTS.get(random.nextInt(DEFECTS.size())).apply(random, base);
        if (random.nextInt(3) == 0) {
            // A second defect on top.
            document = DEFECTS.get(random.nextInt(12)).apply(random, document);
        }
        return document;
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static String esc(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            }
            else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            }
            else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Random JSON that is never a valid route (no uri with a match) nor a config (no routes list of routes). */
    static String randomJson(Random random, int depth) {
        int kind = depth > 4 ? random.nextInt(4) : random.nextInt(6);
        return switch (kind) {
            case 0 -> String.valueOf(random.nextLong());
            case 1 -> "\"" + esc(pick(random, TRICKS)) + "\"";
            case 2 -> random.nextBoolean() ? "true" : "null";
            case 3 -> String.valueOf(random.nextDouble() * 1e300);
            case 4 -> {
                StringBuilder array = new StringBuilder("[");
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.append(randomJson(random, depth + 1)).append(i > 1 ? "," : "");
                }
                yield array.append("]").toString();
            }
            default -> {
                StringBuilder object = new StringBuilder("{");
                List<String> keys = List.of("id", "uri", "rateLimit", "split", "circuitBreaker", "spel", "#{1}", "__proto__");
                int n = 1 + random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    object.append("\"").append(esc(pick(random, keys))).append(i).append("\":")
                            .append(randomJson(random, depth + 1)).append(i < n - 1 ? "," : "");
                }
                yield object.append("}").toString();
            }
        };
    }
}
