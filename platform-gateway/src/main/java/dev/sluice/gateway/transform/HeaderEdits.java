package dev.sluice.gateway.transform;

import dev.sluice.gateway.route.Violations;
import org.springframework.http.HttpHeaders;

import java.util.List;
import java.util.Map;

/**
 * Edits to a set of headers, applied in this order: remove, rename, set, add. Values are literal text.
 *
 * @param add    values appended to the header (it may then have several)
 * @param set    values that replace whatever the header had
 * @param remove headers dropped
 * @param rename headers moved to another name, values and all: {@code {X-Old: X-New}}
 */
public record HeaderEdits(Map<String, String> add, Map<String, String> set, List<String> remove,
        Map<String, String> rename) {

    void apply(HttpHeaders headers) {
        if (remove != null) {
            remove.forEach(headers::remove);
        }
        if (rename != null) {
            rename.forEach((from, to) -> {
                List<String> values = headers.remove(from);
                if (values != null) {
                    headers.put(to, values);
                }
            });
        }
        if (set != null) {
            set.forEach(headers::set);
        }
        if (add != null) {
            add.forEach(headers::add);
        }
    }

    void validate(Violations v) {
        values(v.at("add"), add);
        values(v.at("set"), set);
        for (int i = 0; remove != null && i < remove.size(); i++) {
            if (!Violations.isHeaderName(remove.get(i))) {
                v.at("remove").at(i).add("must be a header name");
            }
        }
        if (rename != null) {
            rename.forEach((from, to) -> {
                if (!Violations.isHeaderName(from) || !Violations.isHeaderName(to)) {
                    v.at("rename").add(from, "must map a header name to a header name");
                }
            });
        }
    }

    private static void values(Violations v, Map<String, String> headers) {
        if (headers == null) {
            return;
        }
        headers.forEach((name, value) -> {
            if (!Violations.isHeaderName(name)) {
                v.add(name, "must be a header name");
            }
            else if (value == null || value.chars().anyMatch(c -> c < 32 && c != '\t' || c == 127)) {
                v.add(name, "needs a value without control characters");
            }
        });
    }
}
