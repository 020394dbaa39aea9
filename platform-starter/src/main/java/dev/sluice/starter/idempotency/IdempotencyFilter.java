package dev.sluice.starter.idempotency;

import dev.sluice.starter.problem.ProblemWriter;
import dev.sluice.starter.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Makes the configured endpoints idempotent by key. A request without the key is a 400. The first request with a key
 * runs and its answer is stored; a repeat with the same method, path and body gets that answer again (with
 * {@code Idempotent-Replayed: true}) and runs nothing; the same key with another request is a 422; a repeat while
 * the first still runs is a 409. If the store is unreachable the request is refused with a 503 rather than run
 * unprotected. A 5xx answer is not stored, so the client may retry it.
 */
public class IdempotencyFilter extends OncePerRequestFilter {

    private final RedisIdempotencyStore store;
    private final IdempotencyProperties properties;
    private final List<Endpoint> endpoints;

    public IdempotencyFilter(RedisIdempotencyStore store, IdempotencyProperties properties) {
        this.store = store;
        this.properties = properties;
        this.endpoints = properties.endpoints().stream().map(Endpoint::parse).toList();
    }

    private record Endpoint(String method, PathPattern path) {

        static Endpoint parse(String spec) {
            String[] parts = spec.trim().split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("sluice.idempotency.endpoints: expected 'METHOD /path', got '" + spec + "'");
            }
            return new Endpoint(parts[0].toUpperCase(java.util.Locale.ROOT), PathPatternParser.defaultInstance.parse(parts[1]));
        }

        boolean matches(HttpServletRequest request) {
            return method.equals(request.getMethod())
                    && path.matches(PathContainer.parsePath(request.getRequestURI().substring(request.getContextPath().length())));
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return endpoints.stream().noneMatch(e -> e.matches(request));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(properties.header());
        if (key == null || key.isBlank() || key.length() > properties.maxKeyLength()) {
            ProblemWriter.write(response, Problems.invalid(List.of(new Problems.FieldError(properties.header(),
                    key == null || key.isBlank() ? "header is required"
                            : "must be at most " + properties.maxKeyLength() + " characters"))));
            return;
        }
        byte[] body = request.getInputStream().readNBytes((int) properties.maxBodySize().toBytes() + 1);
        if (body.length > properties.maxBodySize().toBytes()) {
            ProblemWriter.write(response, Problems.of(HttpStatus.CONTENT_TOO_LARGE, "body_too_large",
                    "The request body is larger than " + properties.maxBodySize()));
            return;
        }
        String fingerprint = fingerprint(request, body);
        RedisIdempotencyStore.Claim claim;
        try {
            claim = store.claim(key, fingerprint);
        }
        catch (DataAccessException e) {
            ProblemWriter.write(response, unavailable());
            return;
        }
        if (claim instanceof RedisIdempotencyStore.Claim.Replay replay) {
            replay(replay.response(), response);
        }
        else if (claim instanceof RedisIdempotencyStore.Claim.Mismatch) {
            ProblemWriter.write(response, Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency_key_reused",
                    "This " + properties.header() + " was already used for a different request"));
        }
        else if (claim instanceof RedisIdempotencyStore.Claim.InProgress) {
            response.setHeader("Retry-After", "1");
            ProblemWriter.write(response, Problems.of(HttpStatus.CONFLICT, "request_in_progress",
                    "A request with this " + properties.header() + " is still being processed"));
        }
        else {
            run(key, fingerprint, body, request, response, chain);
        }
    }

    private void run(String key, String fingerprint, byte[] body, HttpServletRequest request, HttpServletResponse response,
            FilterChain chain) throws ServletException, IOException {
        ContentCachingResponseWrapper captured = new ContentCachingResponseWrapper(response);
        boolean stored = false;
        try {
            chain.doFilter(new CachedBodyRequest(request, body), captured);
            if (captured.getStatus() < 500) {
                store.complete(key, fingerprint, new RedisIdempotencyStore.StoredResponse(captured.getStatus(),
                        captured.getContentType(), captured.getContentAsByteArray()));
                stored = true;
            }
        }
        catch (DataAccessException e) {
            // The request ran but its answer could not be stored: the lease expires and a retry runs it again.
            logger.warn("Could not store the answer for idempotency key " + key + ": " + e.getMessage());
        }
        finally {
            if (!stored) {
                releaseQuietly(key);
            }
            captured.copyBodyToResponse();
        }
    }

    private void releaseQuietly(String key) {
        try {
            store.release(key);
        }
        catch (DataAccessException e) {
            logger.warn("Could not release idempotency key " + key + "; it frees up when its lease expires");
        }
    }

    private static void replay(RedisIdempotencyStore.StoredResponse stored, HttpServletResponse response) throws IOException {
        response.setStatus(stored.status());
        if (stored.contentType() != null && !stored.contentType().isEmpty()) {
            response.setContentType(stored.contentType());
        }
        response.setHeader("Idempotent-Replayed", "true");
        response.setContentLength(stored.body().length);
        response.getOutputStream().write(stored.body());
    }

    private static ProblemDetail unavailable() {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "idempotency_store_unavailable",
                "The request was not processed because its idempotency key cannot be checked right now; retry it");
    }

    private static String fingerprint(HttpServletRequest request, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // The query string is part of the request: the same key on ?dryRun=true and without it is another request.
            String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
            sha.update((request.getMethod() + " " + request.getRequestURI() + query + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(body);
            return HexFormat.of().formatHex(sha.digest());
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request with its body already read, so the fingerprint and the handler both see it. */
    private static final class CachedBodyRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
