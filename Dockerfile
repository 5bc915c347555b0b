# The customer graph as a small static image: no shell, no package
# manager, a non-root user. Built from the repository alone:
#   docker build -t customer-graph .
#   docker build --build-arg VERSION=v1.1.0 -t customer-graph:v1.1.0 .
# Health: HTTP probes on /healthz (alive) and /readyz (ready; 503 while
# draining), on GRAPH_OPS_ADDR (:9090 here) — docs/deploying.md.
FROM golang:1.27.3-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
# -trimpath and no VCS stamp: the same sources give the same binary.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.release=${VERSION}" -o /out/customergraph .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/customergraph /customergraph
USER 65532:65532
ENV GRAPH_OPS_ADDR=:9090
EXPOSE 8080 9090
ENTRYPOINT ["/customergraph"]
CMD ["serve", "-addr", ":8080"]
