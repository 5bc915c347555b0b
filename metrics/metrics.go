// Package metrics holds the facade's Prometheus metrics. Label values come
// from closed sets (API, operation, code) or are bounded (operation names),
// so a client cannot blow up their cardinality.
package metrics

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/sony/gobreaker/v2"
	"go.opentelemetry.io/otel/trace"

	"customergraph/admission"
	"customergraph/upstream"
)

// MaxOperationNames bounds the distinct operation names recorded; later
// names are recorded as "other".
const MaxOperationNames = 200

// Metrics are the facade's collectors on their own registry.
type Metrics struct {
	reg              *prometheus.Registry
	requests         *prometheus.CounterVec
	clientRequests   *prometheus.CounterVec
	requestDuration  *prometheus.HistogramVec
	fieldErrors      *prometheus.CounterVec
	upstreamCalls    *prometheus.CounterVec
	upstreamDuration *prometheus.HistogramVec
	upstreamRetries  *prometheus.CounterVec
	breaker          *prometheus.GaugeVec
	batchSize        *prometheus.HistogramVec

	mu    sync.Mutex
	names map[string]bool
	apps  map[string]bool
}

// New registers the collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), names: map[string]bool{}, apps: map[string]bool{}}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "graph_requests_total",
		Help: "GraphQL requests by operation name and outcome (ok, partial, error)."}, []string{"operation", "outcome"})
	m.clientRequests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "graph_client_requests_total",
		Help: "GraphQL requests by the app's name and version (apollographql-client-name, -version); the first " +
			"100 pairs seen are labels of their own, later ones are \"other\"."}, []string{"client_name", "client_version"})
	m.requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "graph_request_duration_seconds",
		Help: "GraphQL request duration.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 15)}, []string{"operation"})
	m.fieldErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "graph_errors_total",
		Help: "GraphQL errors by extensions.code."}, []string{"code"})
	m.upstreamCalls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "upstream_calls_total",
		Help: "Upstream operations by API, operation and final HTTP status (0: no answer)."}, []string{"api", "op", "status"})
	m.upstreamDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "upstream_call_duration_seconds",
		Help: "Upstream operation duration, retries included.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 15)}, []string{"api", "op"})
	m.upstreamRetries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "upstream_retries_total",
		Help: "Upstream attempts beyond the first."}, []string{"api", "op"})
	m.breaker = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "upstream_breaker_state",
		Help: "Circuit breaker state per API: 0 closed, 1 half-open, 2 open."}, []string{"api"})
	m.batchSize = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "loader_batch_size",
		Help: "Keys per dataloader batch.", Buckets: []float64{1, 2, 5, 10, 20, 50, 100}}, []string{"loader"})
	m.reg.MustRegister(m.requests, m.clientRequests, m.requestDuration, m.fieldErrors, m.upstreamCalls, m.upstreamDuration,
		m.upstreamRetries, m.breaker, m.batchSize,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, api := range []string{upstream.APIProfiles, upstream.APIPlans, upstream.APISubscriptions, upstream.APIAccountholders} {
		m.breaker.WithLabelValues(api).Set(0)
	}
	return m
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	// OpenMetrics, when the scraper asks for it, is what carries exemplars.
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, EnableOpenMetrics: true})
}

// Upstream records a finished upstream operation, made with ctx: its
// latency carries the trace id of a sampled span as an exemplar.
func (m *Metrics) Upstream(ctx context.Context, c upstream.Call) {
	m.upstreamCalls.WithLabelValues(c.API, c.Op, strconv.Itoa(c.Status)).Inc()
	h := m.upstreamDuration.WithLabelValues(c.API, c.Op)
	if sc := trace.SpanContextFromContext(ctx); sc.IsSampled() {
		h.(prometheus.ExemplarObserver).ObserveWithExemplar(c.Duration.Seconds(), prometheus.Labels{"trace_id": sc.TraceID().String()})
	} else {
		h.Observe(c.Duration.Seconds())
	}
	if c.Attempts > 1 {
		m.upstreamRetries.WithLabelValues(c.API, c.Op).Add(float64(c.Attempts - 1))
	}
}

// Breaker records a breaker state change.
func (m *Metrics) Breaker(api string, s gobreaker.State) {
	v := map[gobreaker.State]float64{gobreaker.StateClosed: 0, gobreaker.StateHalfOpen: 1, gobreaker.StateOpen: 2}[s]
	m.breaker.WithLabelValues(api).Set(v)
}

// Batch records a dataloader batch.
func (m *Metrics) Batch(loader string, keys int) {
	m.batchSize.WithLabelValues(loader).Observe(float64(keys))
}

var validName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// MaxClientApps bounds graph_client_requests_total's label pairs.
const MaxClientApps = 100

// ClientRequest counts a request by the app that named itself.
func (m *Metrics) ClientRequest(name, version string) {
	if name == "" {
		name, version = "unknown", ""
	}
	key := name + "\x00" + version
	m.mu.Lock()
	if !m.apps[key] {
		if len(m.apps) >= MaxClientApps {
			name, version, key = "other", "", ""
		} else {
			m.apps[key] = true
		}
	}
	m.mu.Unlock()
	m.clientRequests.WithLabelValues(name, version).Inc()
}

// Request records a finished GraphQL request and its error codes.
func (m *Metrics) Request(operation, outcome string, d time.Duration, codes []string) {
	op := m.operationLabel(operation)
	m.requests.WithLabelValues(op, outcome).Inc()
	m.requestDuration.WithLabelValues(op).Observe(d.Seconds())
	for _, c := range codes {
		m.fieldErrors.WithLabelValues(c).Inc()
	}
}

func (m *Metrics) operationLabel(name string) string {
	if name == "" {
		return "anonymous"
	}
	if !validName.MatchString(name) {
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= MaxOperationNames {
		return "other"
	}
	m.names[name] = true
	return name
}

// Admission exports the admission limiter's state, read at scrape time.
func (m *Metrics) Admission(stats func() admission.Stats) {
	gauge := func(name, help string, v func(admission.Stats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return v(stats()) })
	}
	m.reg.MustRegister(
		gauge("graph_admission_limit", "Current bound on the summed cost of operations in flight.", func(s admission.Stats) float64 { return float64(s.Limit) }),
		gauge("graph_admission_inflight_cost", "Summed cost of the operations in flight.", func(s admission.Stats) float64 { return float64(s.Weight) }),
		gauge("graph_admission_inflight", "Queries and mutations in flight.", func(s admission.Stats) float64 { return float64(s.Requests) }),
		gauge("graph_admission_sched_delay_seconds", "The Go scheduler's delay (the quantile admission control watches) over the last window.", func(s admission.Stats) float64 { return s.Delay.Seconds() }),
		gauge("graph_admission_served_cost", "The cost in flight the facade recently carried without queueing: the limit never falls below it.", func(s admission.Stats) float64 { return float64(s.Served) }),
		gauge("graph_admission_queued", "Operations waiting for admission.", func(s admission.Stats) float64 { return float64(s.Queued) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "graph_admission_refused_total",
			Help: "Operations refused with OVERLOADED."}, func() float64 { return float64(stats().Refused) }),
	)
}
