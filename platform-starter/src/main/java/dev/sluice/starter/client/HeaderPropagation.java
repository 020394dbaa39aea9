package dev.sluice.starter.client;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Copies headers of the servlet request being served onto a client call made while serving it: W3C trace context
 * (unless a tracer already wrote its own) and the headers a client lists in {@code propagate-headers}, such as the
 * caller's identity. Outside a request, or for a header the call already has, it does nothing. The Seata XID is
 * platform-tcc's to add.
 */
final class HeaderPropagation implements Consumer<HttpRequest> {

    private static final List<String> TRACE = List.of("traceparent", "tracestate");
    private final List<String> headers;

    HeaderPropagation(List<String> propagateHeaders) {
        this.headers = names(propagateHeaders);
    }

    /** The headers a call carries on: trace context, then the client's {@code propagate-headers}. */
    static List<String> names(List<String> propagateHeaders) {
        List<String> all = new ArrayList<>(TRACE);
        all.addAll(propagateHeaders);
        return List.copyOf(all);
    }

    @Override
    public void accept(HttpRequest call) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (!(attributes instanceof ServletRequestAttributes servlet)) {
            return;
        }
        HttpServletRequest serving = servlet.getRequest();
        for (String name : headers) {
            String value = serving.getHeader(name);
            if (value != null && !call.getHeaders().containsHeader(name)) {
                call.getHeaders().set(name, value);
            }
        }
    }
}
