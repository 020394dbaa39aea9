package dev.sluice.traffic.loadbalancer;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the outcome of every load-balanced call to the {@link OutlierDetector}: errors (connect failures, timeouts)
 * and 5xx answers are failures, anything else a success. Gateway's load-balancer filter calls it once per
 * attempt; service clients report to the detector directly.
 */
public class OutlierLifecycle implements LoadBalancerLifecycle<RequestDataContext, ResponseData, ServiceInstance> {

    private static final Logger log = LoggerFactory.getLogger(OutlierLifecycle.class);
    private final OutlierDetector outliers;

    public OutlierLifecycle(OutlierDetector outliers) {
        this.outliers = outliers;
    }

    @Override
    public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
        return RequestDataContext.class.isAssignableFrom(requestContextClass)
                && ResponseData.class.isAssignableFrom(responseClass)
                && ServiceInstance.class.isAssignableFrom(serverTypeClass);
    }

    @Override
    public void onStart(Request<RequestDataContext> request) {
    }

    @Override
    public void onStartRequest(Request<RequestDataContext> request, Response<ServiceInstance> lbResponse) {
    }

    @Override
    public void onComplete(CompletionContext<ResponseData, ServiceInstance, RequestDataContext> completion) {
        Response<ServiceInstance> chosen = completion.getLoadBalancerResponse();
        if (chosen == null || !chosen.hasServer()) {
            return;
        }
        ServiceInstance instance = chosen.getServer();
        boolean failed = switch (completion.status()) {
            case FAILED -> true;
            case SUCCESS -> completion.getClientResponse() != null && completion.getClientResponse().getHttpStatus() != null
                    && completion.getClientResponse().getHttpStatus().is5xxServerError();
            default -> false;
        };
        if (!failed) {
            outliers.onSuccess(instance.getServiceId(), instance);
        }
        else if (outliers.onFailure(instance.getServiceId(), instance)) {
            log.warn("Ejected {} instance {}:{} after consecutive failures", instance.getServiceId(), instance.getHost(),
                    instance.getPort());
        }
    }
}
