package io.procgate.docker;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints every skipped or aborted test of this module with its reason to the build output, e.g.
 * {@code [SKIPPED] ImageTest: Docker is not available}: the image test cannot run where no Docker
 * engine runs, and the build says so instead of passing silently. Registered through {@code
 * META-INF/services}.
 */
public final class SkipReporter implements TestExecutionListener {
    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        System.out.println("[SKIPPED] " + test.getDisplayName() + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            String reason = result.getThrowable().map(Throwable::getMessage).orElse("aborted");
            System.out.println("[SKIPPED] " + test.getDisplayName() + ": " + reason);
        }
    }
}
