package dev.sluice.starter.jobs;

import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;

import java.time.Duration;
import java.util.Optional;

/**
 * Puts {@link SingletonJob} methods behind {@link SingletonJobs}. It runs before Spring's {@code @Scheduled}
 * processing, which then schedules the advised bean, so every tick asks whether this instance holds the job.
 */
public class SingletonJobPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

    public SingletonJobPostProcessor(ObjectProvider<SingletonJobs> jobs) {
        MethodInterceptor interceptor = invocation -> {
            SingletonJob job = AnnotatedElementUtils.findMergedAnnotation(invocation.getMethod(), SingletonJob.class);
            if (job == null) {
                return invocation.proceed();
            }
            Duration lease = job.lease().isEmpty() ? null : DurationStyle.detectAndParse(job.lease());
            Optional<Object> result = jobs.getObject().runIfHolder(job.value(), lease, () -> {
                try {
                    return invocation.proceed();
                }
                catch (Exception | Error e) {
                    throw e;
                }
                catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            });
            return result.orElse(null);
        };
        this.advisor = new DefaultPointcutAdvisor(AnnotationMatchingPointcut.forMethodAnnotation(SingletonJob.class),
                interceptor);
        setBeforeExistingAdvisors(true);
        // Before ScheduledAnnotationBeanPostProcessor (lowest precedence), which must schedule the advised bean.
        setOrder(Ordered.LOWEST_PRECEDENCE - 1);
    }
}
