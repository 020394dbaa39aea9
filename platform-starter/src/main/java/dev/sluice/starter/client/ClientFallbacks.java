package dev.sluice.starter.client;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.ResolvableType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Puts a {@link ClientFallback} in front of the HTTP service client it is declared for. Only JDK proxies (which is
 * what HTTP service clients are) with exactly one interface that has a fallback bean are wrapped.
 */
class ClientFallbacks implements BeanPostProcessor, BeanFactoryAware {

    private ListableBeanFactory beans;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beans = (ListableBeanFactory) beanFactory;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        if (!Proxy.isProxyClass(bean.getClass()) || bean.getClass().getInterfaces().length == 0) {
            return bean;
        }
        Class<?> api = bean.getClass().getInterfaces()[0];
        String[] names = beans.getBeanNamesForType(ResolvableType.forClassWithGenerics(ClientFallback.class, api));
        if (names.length != 1) {
            return bean;
        }
        return wrap(api, bean, names[0]);
    }

    @SuppressWarnings("unchecked")
    private Object wrap(Class<?> api, Object client, String fallbackName) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(client, args);
            }
            Object answer;
            try {
                answer = method.invoke(client, args);
            }
            catch (InvocationTargetException e) {
                if (isOutage(e.getCause())) {
                    return fallback(fallbackName, (ClientCallException) e.getCause(), method, args);
                }
                throw e.getCause();
            }
            // A reactive client signals its failures in the Mono or Flux it returns
            if (answer instanceof Mono<?> mono) {
                return ((Mono<Object>) mono).onErrorResume(ClientFallbacks::isOutage, error -> (Mono<Object>)
                        fallbackQuietly(fallbackName, (ClientCallException) error, method, args));
            }
            if (answer instanceof Flux<?> flux) {
                return ((Flux<Object>) flux).onErrorResume(ClientFallbacks::isOutage, error -> (Flux<Object>)
                        fallbackQuietly(fallbackName, (ClientCallException) error, method, args));
            }
            return answer;
        };
        return Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api}, handler);
    }

    /** Outages, not answers: an upstream's problem is never replaced by a fallback. */
    private static boolean isOutage(Throwable error) {
        return error instanceof ClientRefusedException || error instanceof UpstreamUnavailableException;
    }

    private Object fallback(String fallbackName, ClientCallException failure, Method method, Object[] args)
            throws Throwable {
        Object fallback = ((ClientFallback<?>) beans.getBean(fallbackName)).fallbackFor(failure);
        try {
            return method.invoke(fallback, args);
        }
        catch (InvocationTargetException inFallback) {
            throw inFallback.getCause();
        }
    }

    private Object fallbackQuietly(String fallbackName, ClientCallException failure, Method method, Object[] args) {
        try {
            return fallback(fallbackName, failure, method, args);
        }
        catch (RuntimeException | Error e) {
            throw e;
        }
        catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
