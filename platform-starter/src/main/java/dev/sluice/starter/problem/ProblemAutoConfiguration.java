package dev.sluice.starter.problem;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every 4xx a servlet service answers is problem+json, wherever the request was refused:
 * <ul>
 * <li>in a controller or by Spring MVC ({@link SluiceProblemHandler}, replacing Boot's, unless the service has its
 * own), including {@code @Validated} parameter constraints ({@link ConstraintViolationProblemHandler});</li>
 * <li>on Boot's {@code /error} page, where the container forwards what no handler took ({@link ProblemErrorController},
 * replacing Boot's {@code BasicErrorController});</li>
 * <li>by Tomcat before any servlet runs ({@link ProblemErrorReportValve}, replacing Tomcat's HTML report).</li>
 * </ul>
 */
@AutoConfiguration(beforeName = {"org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration",
    "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(ResponseEntityExceptionHandler.class)
public class ProblemAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ResponseEntityExceptionHandler.class)
    SluiceProblemHandler sluiceProblemHandler() {
        return new SluiceProblemHandler();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "jakarta.validation.ConstraintViolationException")
    static class ConstraintViolations {

        @Bean
        ConstraintViolationProblemHandler constraintViolationProblemHandler() {
            return new ConstraintViolationProblemHandler();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ErrorController.class)
    static class ErrorPage {

        @Bean
        @ConditionalOnMissingBean(ErrorController.class)
        ProblemErrorController problemErrorController() {
            return new ProblemErrorController();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({TomcatServletWebServerFactory.class, StandardHost.class})
    static class Tomcat {

        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReportValve() {
            // The host adds its error report valve when it starts, after the contexts are configured.
            return factory -> factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                }
            });
        }
    }
}
