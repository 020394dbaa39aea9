package dev.sluice.starter.client;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;
import org.springframework.web.service.registry.AbstractHttpServiceRegistrar;
import org.springframework.web.service.registry.HttpServiceGroup;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * Registers the interfaces listed in {@code sluice.clients.NAME.interfaces} as HTTP service clients in group
 * {@code NAME}, so that a service declares a client with properties alone. A group whose interfaces return
 * {@code Mono} or {@code Flux} gets a WebClient; any other, a RestClient.
 */
class ServiceClientRegistrar extends AbstractHttpServiceRegistrar implements EnvironmentAware {

    private Environment environment;
    private ClassLoader classLoader = ServiceClientRegistrar.class.getClassLoader();

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        super.setBeanClassLoader(classLoader);
        this.classLoader = classLoader;
    }

    @Override
    public void setEnvironment(Environment environment) {
        super.setEnvironment(environment);
        this.environment = environment;
    }

    @Override
    protected void registerHttpServices(GroupRegistry registry, AnnotationMetadata importingClassMetadata) {
        Map<String, ClientProperties.Client> clients = Binder.get(environment)
                .bind("sluice.clients", Bindable.mapOf(String.class, ClientProperties.Client.class))
                .orElse(Map.of());
        clients.forEach((name, client) -> {
            if (client.enabled() && client.interfaces() != null && !client.interfaces().isEmpty()) {
                HttpServiceGroup.ClientType type = client.interfaces().stream().anyMatch(this::isReactive)
                        ? HttpServiceGroup.ClientType.WEB_CLIENT : HttpServiceGroup.ClientType.REST_CLIENT;
                registry.forGroup(name, type).registerTypeNames(client.interfaces().toArray(String[]::new));
            }
        });
    }

    /** Whether an interface answers with reactive types; one that cannot be loaded is left for Spring to report. */
    private boolean isReactive(String interfaceName) {
        if (!ClassUtils.isPresent("org.reactivestreams.Publisher", classLoader)
                || !ClassUtils.isPresent("org.springframework.web.reactive.function.client.WebClient", classLoader)) {
            return false;
        }
        try {
            Class<?> type = ClassUtils.forName(interfaceName, classLoader);
            for (Method method : type.getMethods()) {
                if (org.reactivestreams.Publisher.class.isAssignableFrom(method.getReturnType())) {
                    return true;
                }
            }
            return false;
        }
        catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
