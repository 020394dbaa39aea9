package dev.sluice.test.seata;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Seata 2.0.0 Raft member's console says of its group ({@code GET /metadata/v1/cluster}): which member leads,
 * by its transaction address. Read by the loopback cluster fixture and by the Compose cluster test, which asks from
 * inside a container. A JSON library is not among this module's dependencies, and the answer's shape is fixed:
 * {@code {"nodes":[{"metadata":{},"control":{"host":..,"port":..},"transaction":{..},"group":..,"role":"LEADER"}],..}}.
 */
public final class RaftMetadata {

    public static final String PATH = "/metadata/v1/cluster";

    private static final Pattern TRANSACTION = Pattern.compile("\"transaction\"\\s*:\\s*(\\{[^}]*})");
    private static final Pattern HOST = Pattern.compile("\"host\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern PORT = Pattern.compile("\"port\"\\s*:\\s*(\\d+)");
    private static final Pattern ROLE = Pattern.compile("\"role\"\\s*:\\s*\"(\\w+)\"");

    private RaftMetadata() {
    }

    /** A member's transaction address: where clients send it their requests. */
    public record Address(String host, int port) {
    }

    /**
     * The transaction address of the member the answer names LEADER; empty during an election, or when the text is no
     * such answer. Text before the JSON (an HTTP/1.0 status line and headers) is ignored.
     */
    public static Optional<Address> leader(String answer) {
        for (String node : nodesOf(answer)) {
            Matcher role = ROLE.matcher(node);
            Matcher transaction = TRANSACTION.matcher(node);
            if (role.find() && role.group(1).equals("LEADER") && transaction.find()) {
                Matcher host = HOST.matcher(transaction.group(1));
                Matcher port = PORT.matcher(transaction.group(1));
                if (host.find() && port.find()) {
                    return Optional.of(new Address(host.group(1), Integer.parseInt(port.group(1))));
                }
            }
        }
        return Optional.empty();
    }

    /** The objects of the answer's {@code nodes} array, as text, found by counting braces. */
    static List<String> nodesOf(String answer) {
        List<String> nodes = new ArrayList<>();
        int array = answer.indexOf("\"nodes\"");
        if (array < 0) {
            return nodes;
        }
        int depth = 0;
        int start = -1;
        for (int i = answer.indexOf('[', array) + 1; i > 0 && i < answer.length(); i++) {
            char c = answer.charAt(i);
            if (c == '{' && depth++ == 0) {
                start = i;
            }
            else if (c == '}' && --depth == 0) {
                nodes.add(answer.substring(start, i + 1));
            }
            else if (c == ']' && depth == 0) {
                break;
            }
        }
        return nodes;
    }
}
