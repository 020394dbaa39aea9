package dev.sluice.gateway.split;

import dev.sluice.gateway.route.UpstreamUris;
import dev.sluice.gateway.route.Violations;
import java.util.List;
import java.util.Map;

/**
 * Another upstream that takes part of a route's traffic: by header ({@code when}), else by weight.
 *
 * @param uri    {@code http://}, {@code https://} or {@code lb://}
 * @param weight the percentage of the remaining requests it takes, 0 to 100
 * @param when   request conditions that send a request here whatever the weights
 * @param sticky a key ({@code ip} or {@code header:NAME}) that keeps one client on one side of a weighted split
 */
public record SplitTarget(String uri, Integer weight, When when, String sticky) {

    /** @param header headers that must all be present with exactly these values */
    public record When(Map<String, String> header) {
    }

    public static void validate(List<SplitTarget> targets, Violations v) {
        int total = 0;
        for (int i = 0; i < targets.size(); i++) {
            SplitTarget target = targets.get(i);
            Violations at = v.at(i);
            if (target == null) {
                at.add("must be an object");
                continue;
            }
            UpstreamUris.check(at, "uri", target.uri());
            at.range("weight", target.weight(), 0, 100);
            if (target.weight() != null && target.weight() >= 0) {
                total += target.weight();
            }
            boolean hasWhen = target.when() != null && target.when().header() != null && !target.when().header().isEmpty();
            if (target.weight() == null && !hasWhen) {
                at.add("needs a weight or a when condition");
            }
            if (target.when() != null && !hasWhen) {
                at.add("when", "needs at least one header");
            }
            if (target.sticky() != null && !target.sticky().equals("ip")
                    && !(target.sticky().startsWith("header:") && target.sticky().length() > 7)) {
                at.add("sticky", "must be ip or header:NAME");
            }
        }
        if (total > 100) {
            v.add("weights add up to " + total + "%, more than 100%");
        }
    }
}
