package dev.sluice.test.process;

import java.io.File;

/** The test JVM's real classpath, for starting test code in a JVM of its own. */
public final class TestClassPath {

    private TestClassPath() {
    }

    /** Surefire may hand the JVM a manifest-only jar instead, and says the real path in a property. */
    public static String get() {
        String path = System.getProperty("surefire.test.class.path");
        if (path == null || path.isBlank()) {
            path = System.getProperty("java.class.path");
        }
        return String.join(File.pathSeparator, path.split(File.pathSeparator));
    }
}
