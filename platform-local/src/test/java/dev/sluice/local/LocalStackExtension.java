package dev.sluice.local;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

import java.lang.reflect.Method;

/**
 * The whole local stack for one test class ({@link TestStacks#start}), registered on a static field: started before
 * the class's first test and stopped after its last, whatever happened in between. A failing test gets the recent
 * warnings of every part's log ({@link StackLogsOnFailure}). {@link #api()} and {@link #scenarios()} reach the stack
 * through its gateway.
 */
final class LocalStackExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback,
        InvocationInterceptor {

    private final String name;
    private final String[] settings;
    private final StackLogsOnFailure logs = new StackLogsOnFailure(() -> this.stack);
    private LocalStack stack;
    private Api api;
    private OrderScenarios scenarios;
    private boolean orderBeforeEach;

    /** {@code name} names the run folder under target/; {@code settings} are launcher arguments. */
    LocalStackExtension(String name, String... settings) {
        this.name = name;
        this.settings = settings.clone();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        stack = TestStacks.start(name, settings);
        api = new Api(stack.config().gatewayPort());
        scenarios = new OrderScenarios(api);
    }

    /**
     * Each test then starts once an order goes through end to end, whatever the test before it stopped or killed:
     * the class's tests run in any order.
     */
    LocalStackExtension eachTestOnceAnOrderGoesThrough() {
        orderBeforeEach = true;
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (orderBeforeEach) {
            scenarios.awaitAnOrderConfirmed(java.time.Duration.ofSeconds(90));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (stack != null) {
            stack.close();
        }
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        logs.interceptTestMethod(invocation, invocationContext, extensionContext);
    }

    LocalStack stack() {
        return stack;
    }

    Api api() {
        return api;
    }

    OrderScenarios scenarios() {
        return scenarios;
    }
}
