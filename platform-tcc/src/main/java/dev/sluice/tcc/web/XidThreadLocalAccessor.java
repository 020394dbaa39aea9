package dev.sluice.tcc.web;

import io.micrometer.context.ThreadLocalAccessor;
import org.apache.seata.core.context.RootContext;
import org.slf4j.MDC;

/** Seata's XID thread-local (and the MDC's {@code xid}) as seen by Micrometer's context propagation. */
public class XidThreadLocalAccessor implements ThreadLocalAccessor<String> {

    public static final String KEY = "sluice.tcc.xid";

    @Override
    public Object key() {
        return KEY;
    }

    @Override
    public String getValue() {
        return RootContext.getXID();
    }

    @Override
    public void setValue(String xid) {
        RootContext.bind(xid);
        MDC.put(XidServletFilter.MDC_KEY, xid);
    }

    @Override
    public void setValue() {
        RootContext.unbind();
        MDC.remove(XidServletFilter.MDC_KEY);
    }
}
