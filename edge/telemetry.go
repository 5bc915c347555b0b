package edge

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// serviceName is the resource's service.name unless OTEL_SERVICE_NAME or
// OTEL_RESOURCE_ATTRIBUTES says otherwise.
const serviceName = "customer-graph"

// Tracing builds the tracer provider the standard OTEL_* variables ask
// for, or nil when they ask for none: tracing is off unless
// OTEL_EXPORTER_OTLP_ENDPOINT (or its _TRACES_ form) or
// OTEL_TRACES_EXPORTER is set, and OTEL_SDK_DISABLED=true turns it off.
// The exporters read their own variables (endpoint, headers, timeout,
// compression); the SDK reads OTEL_TRACES_SAMPLER and OTEL_BSP_*.
//
// OpenTelemetry's autoexport would choose the exporter from the same
// variables, but it reads the process environment itself and writes
// console spans to os.Stdout, past run's getenv and stdout; it registers
// exporters process-wide, and links the metrics and logs exporters too
// (+2.1 MB, 17 more modules in go.mod, measured). What it would add is
// OTLP over gRPC, which this build refuses at start with a clear message.
func Tracing(ctx context.Context, getenv func(string) string, stdout io.Writer) (*sdktrace.TracerProvider, error) {
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") {
		return nil, nil
	}
	names := getenv("OTEL_TRACES_EXPORTER")
	if names == "" {
		if getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
			return nil, nil
		}
		names = "otlp"
	}
	var opts []sdktrace.TracerProviderOption
	for _, name := range strings.Split(names, ",") {
		switch strings.TrimSpace(name) {
		case "none":
			return nil, nil
		case "otlp":
			protocol := getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
			if protocol == "" {
				protocol = getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
			}
			if protocol != "" && protocol != "http/protobuf" {
				return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL=%q: this build exports OTLP over http/protobuf only (port 4318 on a collector)", protocol)
			}
			exp, err := otlptracehttp.New(ctx)
			if err != nil {
				return nil, fmt.Errorf("OTLP trace exporter: %w", err)
			}
			opts = append(opts, sdktrace.WithBatcher(exp))
		case "console":
			exp, err := stdouttrace.New(stdouttrace.WithWriter(stdout))
			if err != nil {
				return nil, fmt.Errorf("console trace exporter: %w", err)
			}
			opts = append(opts, sdktrace.WithBatcher(exp))
		default:
			return nil, fmt.Errorf("OTEL_TRACES_EXPORTER=%q: use otlp, console or none", names)
		}
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName(serviceName)),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES win
		resource.WithTelemetrySDK(), resource.WithHost(), resource.WithProcessPID())
	if err != nil {
		return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: %w", err)
	}
	return sdktrace.NewTracerProvider(append(opts, sdktrace.WithResource(res))...), nil
}

// traceIDs is a zerolog hook: a line written with a request's context
// (.Ctx(ctx)) carries the trace id of that request's span.
type traceIDs struct{}

func (traceIDs) Run(e *zerolog.Event, _ zerolog.Level, _ string) {
	if sc := trace.SpanContextFromContext(e.GetCtx()); sc.IsValid() {
		e.Str("traceId", sc.TraceID().String())
	}
}
