package dev.sluice.gateway.headers;

import org.springframework.http.HttpHeaders;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The hop-by-hop headers of one message (RFC 9110, section 7.6.1): the configured ones, and those its
 * {@code Connection} header names. Names compare ignoring case without lower-casing each one (a string per header
 * per request), and the configured set is not copied per message.
 */
final class HopByHop {

    private final Set<String> configured;
    private final String[] named;

    private HopByHop(Set<String> configured, String[] named) {
        this.configured = configured;
        this.named = named;
    }

    private static final String[] NONE = {};

    /** A set of header names that ignores case, for {@link #of}. */
    static Set<String> names(Set<String> names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return Collections.unmodifiableSet(set);
    }

    /** @param configured from {@link #names} */
    static HopByHop of(HttpHeaders headers, Set<String> configured) {
        if (!headers.containsHeader(HttpHeaders.CONNECTION)) {
            return new HopByHop(configured, NONE);
        }
        List<String> connection = headers.getConnection();
        String[] named = new String[connection.size()];
        for (int i = 0; i < named.length; i++) {
            named[i] = connection.get(i).trim();
        }
        return new HopByHop(configured, named);
    }

    /** Whether the header {@code name} (in any case) is one of this message's hop-by-hop headers. */
    boolean contains(String name) {
        if (configured.contains(name)) {
            return true;
        }
        for (String option : named) {
            if (option.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
