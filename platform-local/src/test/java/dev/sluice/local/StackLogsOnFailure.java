package dev.sluice.local;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Adds what the stack's processes last warned about, and whether each one runs, to a failing test's message.
 * A stack test fails on a symptom (an order refused, an answer that never came) whose cause is in some component's
 * log, and CI shows the failure messages but keeps no files: the message has to carry the cause.
 */
final class StackLogsOnFailure implements InvocationInterceptor {

    private static final Pattern WORTH_SHOWING = Pattern.compile(" (WARN|ERROR) ");
    // Start-up noise that every service logs and that never explains a failure.
    private static final Pattern NOISE = Pattern.compile("BeanPostProcessorChecker|newer than the version Flyway");
    private static final int LINES_PER_LOG = 6;
    private static final int LINE_LENGTH = 240;

    private final Supplier<List<Component>> components;
    private final Supplier<Path> logDir;

    StackLogsOnFailure(Supplier<LocalStack> stack) {
        this(() -> stack.get() == null ? null : stack.get().components(), () -> stack.get().config().logDir());
    }

    /** For a test that starts its components itself: those started so far (null: none), and where they log. */
    StackLogsOnFailure(Supplier<List<Component>> components, Supplier<Path> logDir) {
        this.components = components;
        this.logDir = logDir;
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        try {
            invocation.proceed();
        }
        catch (AssertionError | Exception failure) {
            List<Component> current = components.get();
            if (current == null || current.isEmpty()) {
                throw failure;
            }
            AssertionError described = new AssertionError(failure.getMessage() + "\n" + describe(current,
                    logDir.get()), failure);
            described.setStackTrace(failure.getStackTrace());
            throw described;
        }
    }

    static String describe(List<Component> components, Path logs) {
        StringBuilder text = new StringBuilder("-- the stack when the test failed --\n");
        for (Component component : components) {
            text.append(component.name()).append(": ");
            List<String> states = component.pids().stream().map(StackLogsOnFailure::state).toList();
            text.append(states.isEmpty() ? "not running" : String.join(", ", states)).append('\n');
        }
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : files.filter(f -> !f.getFileName().toString().startsWith("redis-")).sorted().toList()) {
                List<String> last = lastWarnings(log);
                if (!last.isEmpty()) {
                    text.append("last warnings in ").append(log.getFileName()).append(":\n");
                    last.forEach(line -> text.append("  ").append(line).append('\n'));
                }
            }
        }
        catch (IOException | UncheckedIOException e) {
            text.append("logs unreadable: ").append(e).append('\n');
        }
        return text.toString();
    }

    private static List<String> lastWarnings(Path log) throws IOException {
        List<String> found = new ArrayList<>();
        // A reader, not Files.lines: it replaces a malformed byte instead of failing on it.
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(Files.newInputStream(log), StandardCharsets.UTF_8))) {
            reader.lines().filter(l -> WORTH_SHOWING.matcher(l).find() && !NOISE.matcher(l).find()).forEach(l -> {
                found.add(l.length() > LINE_LENGTH ? l.substring(0, LINE_LENGTH) + "..." : l);
                if (found.size() > LINES_PER_LOG) {
                    found.remove(0);
                }
            });
        }
        return found;
    }

    /** The pid and its state from /proc (R running, S sleeping, T stopped, Z zombie), or "gone". */
    private static String state(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String line = Files.readString(stat);
            String afterName = line.substring(line.lastIndexOf(')') + 2);
            return pid + " " + afterName.charAt(0);
        }
        catch (IOException | RuntimeException e) {
            return pid + " gone";
        }
    }
}
