package dev.sluice.tcc.web;

import io.micrometer.context.ContextRegistry;
import org.apache.seata.core.context.RootContext;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.function.client.ClientRequest;

/**
 * Carries the XID across HTTP calls in the {@code TX_XID} header: clients built from Spring's {@code RestClient} and
 * {@code WebClient} builders send it; the servlet and reactive stacks bind it for the request and put it in the
 * logging MDC.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "sluice.tcc.enabled", matchIfMissing = true)
public class XidPropagationAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RestClientCustomizer.class)
    static class RestClientPropagation {

        @Bean
        RestClientCustomizer sluiceXidRestClientCustomizer() {
            return builder -> builder.requestInterceptor((request, body, execution) -> {
                String xid = RootContext.getXID();
                if (xid != null) {
                    request.getHeaders().set(RootContext.KEY_XID, xid);
                }
                return execution.execute(request, body);
            });
        }
    }

    /** The XID is read when the request is sent: subscribe on the thread that runs the transaction. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({WebClientCustomizer.class, ClientRequest.class})
    static class WebClientPropagation {

        @Bean
        WebClientCustomizer sluiceXidWebClientCustomizer() {
            return builder -> builder.filter((request, next) -> {
                String xid = RootContext.getXID();
                return next.exchange(xid == null ? request
                        : ClientRequest.from(request).header(RootContext.KEY_XID, xid).build());
            });
        }
    }

    /** Needs {@code spring.reactor.context-propagation=auto}, which platform-tcc sets by default. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = "io.micrometer.context.ContextRegistry")
    static class ReactiveBinding {

        ReactiveBinding() {
            ContextRegistry registry = ContextRegistry.getInstance();
            if (registry.getThreadLocalAccessors().stream().noneMatch(a -> XidThreadLocalAccessor.KEY.equals(a.key()))) {
                registry.registerThreadLocalAccessor(new XidThreadLocalAccessor());
            }
        }

        @Bean
        XidWebFilter sluiceXidWebFilter() {
            return new XidWebFilter();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "jakarta.servlet.Filter")
    static class ServletBinding {

        @Bean
        FilterRegistrationBean<XidServletFilter> sluiceXidServletFilter() {
            FilterRegistrationBean<XidServletFilter> registration = new FilterRegistrationBean<>(new XidServletFilter());
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
            return registration;
        }
    }
}
