package dev.sluice.starter.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

import java.net.URI;

/**
 * Boot's {@code /error} page as problem+json: what the servlet container forwards there (a {@code sendError} from a
 * filter, an exception no handler took, a status Tomcat set) reaches the client as a problem with a {@code code}
 * named after the status, and never with an exception's message or a stack trace.
 */
@Controller
@RequestMapping("${server.error.path:${error.path:/error}}")
public class ProblemErrorController implements ErrorController {

    @RequestMapping
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object attribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = attribute instanceof Integer code && code >= 400 ? code : 500;
        ProblemDetail problem = Problems.forStatus(status);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri instanceof String path) {
            try {
                problem.setInstance(URI.create(safePath(path)));
            }
            catch (IllegalArgumentException e) {
                // A path no URI can hold (a stray '%'): the problem goes without an instance.
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** The path as a URI reference, whatever characters the client sent in it. */
    private static String safePath(String path) {
        StringBuilder out = new StringBuilder();
        for (char c : path.toCharArray()) {
            if (c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\' && c != '^'
                    && c != '`' && c != '{' && c != '|' && c != '}') {
                out.append(c);
            }
            else {
                out.append('%').append(String.format("%02X", (int) c & 0xff));
            }
        }
        return out.toString();
    }
}
