package dev.sluice.starter.problem;

import org.springframework.http.HttpStatus;

import java.util.Locale;

/** A problem {@code code} for a bare HTTP status, when nothing more specific is known: 414 is {@code uri_too_long}. */
public final class StatusCodes {

    private StatusCodes() {
    }

    public static String code(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        if (known == null) {
            return status >= 500 ? "server_error" : "bad_request";
        }
        return known.value() == 414 ? "uri_too_long" : known.name().toLowerCase(Locale.ROOT);
    }

    /** A detail a client can act on, with nothing about the server's internals. */
    public static String detail(int status) {
        return switch (status) {
            case 400 -> "The request is malformed";
            case 404 -> "Nothing is served at this path";
            case 405 -> "This path does not accept the request's method";
            case 413 -> "The request body is too large";
            case 414 -> "The request's URI is too long";
            case 415 -> "The request body's media type is not accepted";
            case 431 -> "The request's headers are too large";
            default -> status >= 500 ? "The service failed to answer; the error is logged"
                    : HttpStatus.resolve(status) != null ? HttpStatus.resolve(status).getReasonPhrase() : "Bad request";
        };
    }
}
