package dev.sluice.gateway.admin;

import dev.sluice.starter.management.BearerTokens;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** What every Admin API handler needs from a request: the caller, a bounded body, If-Match, and a thread to block on. */
final class AdminRequests {

    static final String AUDIT_REVISION = AdminRequests.class.getName() + ".revision";
    static final String AUDIT_DETAIL = AdminRequests.class.getName() + ".detail";

    private AdminRequests() {
    }

    static String actor(ServerRequest request) {
        BearerTokens.Caller caller = request.exchange().getAttribute(ManagementAccessFilter.CALLER_ATTRIBUTE);
        return caller != null ? caller.name() : "anonymous";
    }

    /** The body as text, refused with 413 beyond {@code maxBytes} (declared or actual). */
    static Mono<String> body(ServerRequest request, long maxBytes) {
        AdminProblemException tooLarge = new AdminProblemException(HttpStatus.CONTENT_TOO_LARGE, "body_too_large",
                "The body is larger than the Admin API's limit of " + maxBytes + " bytes");
        if (request.headers().contentLength().orElse(0) > maxBytes) {
            return Mono.error(tooLarge);
        }
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), (int) Math.min(maxBytes, Integer.MAX_VALUE))
                .map(buffer -> {
                    try {
                        return buffer.toString(StandardCharsets.UTF_8);
                    }
                    finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge)
                .defaultIfEmpty("");
    }

    /** The revisions named by {@code If-Match}; empty when absent; {@code -1} stands for {@code *}. */
    static List<Long> ifMatch(ServerRequest request) {
        List<String> values = request.headers().header("If-Match");
        if (values.isEmpty()) {
            return List.of();
        }
        return values.stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).filter(t -> !t.isEmpty())
                .map(AdminRequests::revisionOf).toList();
    }

    private static long revisionOf(String tag) {
        if (tag.equals("*")) {
            return -1;
        }
        String bare = tag.startsWith("W/") ? tag.substring(2) : tag;
        bare = bare.replace("\"", "");
        try {
            long revision = Long.parseLong(bare);
            if (revision >= 0) {
                return revision;
            }
        }
        catch (NumberFormatException e) {
            // falls through
        }
        throw new AdminProblemException(HttpStatus.BAD_REQUEST, "invalid_if_match",
                "If-Match must hold ETags as this API sends them, such as \"12\"");
    }

    static boolean dryRun(ServerRequest request) {
        return request.queryParam("dryRun").map(v -> v.isEmpty() || v.equalsIgnoreCase("true")).orElse(false);
    }

    static int limit(ServerRequest request, int fallback, int max) {
        String text = request.queryParam("limit").orElse(null);
        if (text == null) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        }
        catch (NumberFormatException e) {
            // falls through
        }
        throw new AdminProblemException(HttpStatus.BAD_REQUEST, "invalid_limit", "limit must be between 1 and " + max);
    }

    static long revisionParam(ServerRequest request) {
        try {
            long revision = Long.parseLong(request.pathVariable("rev"));
            if (revision > 0) {
                return revision;
            }
        }
        catch (NumberFormatException e) {
            // falls through
        }
        throw new AdminProblemException(HttpStatus.BAD_REQUEST, "invalid_revision", "A revision is a number from 1");
    }

    /** Runs store work (which blocks up to the store's timeout) off the event loop. */
    static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    /** Notes what a write did, for the audit entry written after the answer. */
    static void audited(ServerRequest request, Long revision, String detail) {
        if (revision != null) {
            request.attributes().put(AUDIT_REVISION, revision);
        }
        request.attributes().put(AUDIT_DETAIL, detail);
    }
}
