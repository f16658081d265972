package io.rhei.server;

import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/** A call's request headers, made readable by the producer (Flight hands them only to middleware). */
final class RequestHeaders implements FlightServerMiddleware {
    static final FlightServerMiddleware.Key<RequestHeaders> KEY = FlightServerMiddleware.Key.of("rhei-request-headers");

    private final CallHeaders headers;

    private RequestHeaders(CallHeaders headers) {
        this.headers = headers;
    }

    /** The header's value, or null. */
    String get(String name) {
        return headers.get(name);
    }

    @Override
    public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {
    }

    @Override
    public void onCallCompleted(CallStatus status) {
    }

    @Override
    public void onCallErrored(Throwable err) {
    }

    static final class Factory implements FlightServerMiddleware.Factory<RequestHeaders> {
        @Override
        public RequestHeaders onCallStarted(CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
            return new RequestHeaders(incomingHeaders);
        }
    }
}
