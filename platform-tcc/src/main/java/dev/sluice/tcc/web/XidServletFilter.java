package dev.sluice.tcc.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.seata.core.context.RootContext;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/** Binds the incoming {@code TX_XID} to the request's thread, and to the logging MDC as {@code xid}, for its duration. */
public class XidServletFilter extends OncePerRequestFilter {

    static final String MDC_KEY = "xid";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String xid = request.getHeader(RootContext.KEY_XID);
        if (xid == null || xid.isBlank() || RootContext.getXID() != null) {
            chain.doFilter(request, response);
            return;
        }
        RootContext.bind(xid);
        MDC.put(MDC_KEY, xid);
        try {
            chain.doFilter(request, response);
        }
        finally {
            RootContext.unbind();
            MDC.remove(MDC_KEY);
        }
    }
}
