package dev.sluice.test.http;

import java.net.http.HttpResponse;

/**
 * The check every Sluice service test makes of a refusal: the status, RFC 9457 problem+json, the status repeated
 * in the body, the thing that was wrong named (a field, a header or a problem code), and nothing of the server's
 * insides (exception names, stack frames).
 */
public final class ProblemAnswers {

    private ProblemAnswers() {
    }

    /** @param named text the body must contain, or null */
    public static void assertProblem(HttpResponse<String> answer, int status, String named) {
        String body = answer.body();
        String contentType = answer.headers().firstValue("Content-Type").orElse("");
        String why = null;
        if (answer.statusCode() != status) {
            why = "status " + answer.statusCode() + ", expected " + status;
        }
        else if (!contentType.startsWith("application/problem+json")) {
            why = "Content-Type '" + contentType + "', expected application/problem+json";
        }
        else if (!body.contains("\"status\":" + status)) {
            why = "no \"status\":" + status + " in the body";
        }
        else if (named != null && !body.contains(named)) {
            why = "the body does not name " + named;
        }
        else if (body.contains("Exception") || body.contains("\tat ")) {
            why = "the body shows the server's insides";
        }
        if (why != null) {
            throw new AssertionError(answer.request().method() + " " + answer.uri() + ": " + why + "\n" + body);
        }
    }
}
