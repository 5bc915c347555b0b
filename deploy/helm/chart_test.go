// Package helm holds the Helm chart (deploy/helm/customer-graph) and its
// test: the chart rendered by a real helm, its objects checked.
package helm

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// helmVersion is fetched through the Go module proxy and built when
// CG_HELM (set by scripts/test.sh, which installs it once) is not.
const helmVersion = "helm.sh/helm/v4/cmd/helm@v4.3.2"

func render(t *testing.T, args ...string) ([]map[string]any, error) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"run", helmVersion}, args...)...)
	if h := os.Getenv("CG_HELM"); h != "" {
		cmd = exec.Command(h, args...)
	}
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=go1.27.3", "HELM_CACHE_HOME="+t.TempDir(), "HELM_CONFIG_HOME="+t.TempDir(), "HELM_DATA_HOME="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, errors.New(stderr.String())
	}
	var out []map[string]any
	dec := yaml.NewDecoder(&stdout)
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			t.Fatalf("helm's output is not YAML: %v", err)
		}
		if doc != nil {
			out = append(out, doc)
		}
	}
}

func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func kinds(docs []map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, d := range docs {
		out[d["kind"].(string)] = d
	}
	return out
}

func TestChartWithRealAPIs(t *testing.T) {
	t.Parallel()
	docs, err := render(t, "template", "cg", "customer-graph", "--values", "testdata/real.yaml")
	if err != nil {
		t.Fatal(err)
	}
	k := kinds(docs)
	for _, kind := range []string{"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ServiceMonitor"} {
		if k[kind] == nil {
			t.Errorf("no %s rendered", kind)
		}
	}
	pod := get(k["Deployment"], "spec", "template", "spec")
	c := get(pod, "containers", 0)
	checks := []struct {
		what string
		got  any
		want any
	}{
		{"readiness probe", get(c, "readinessProbe", "httpGet", "path"), "/readyz"},
		{"liveness probe", get(c, "livenessProbe", "httpGet", "path"), "/healthz"},
		{"probes on the ops port", get(c, "readinessProbe", "httpGet", "port"), "ops"},
		{"memory limit", get(c, "resources", "limits", "memory"), "512Mi"},
		{"memory request", get(c, "resources", "requests", "memory"), "512Mi"},
		{"runAsNonRoot", get(pod, "securityContext", "runAsNonRoot"), true},
		{"read-only root filesystem", get(c, "securityContext", "readOnlyRootFilesystem"), true},
		{"no privilege escalation", get(c, "securityContext", "allowPrivilegeEscalation"), false},
		{"credentials by reference", get(c, "envFrom", 0, "secretRef", "name"), "customer-graph-credentials"},
		{"prometheus annotation", get(k["Deployment"], "spec", "template", "metadata", "annotations", "prometheus.io/port"), "9090"},
		{"no fixed replicas with an HPA", get(k["Deployment"], "spec", "replicas"), nil},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: %v, want %v", ch.what, ch.got, ch.want)
		}
	}
	env := map[string]string{}
	for _, e := range get(c, "env").([]any) {
		m := e.(map[string]any)
		if m["valueFrom"] != nil {
			continue
		}
		env[m["name"].(string)], _ = m["value"].(string)
	}
	if env["GRAPH_MEMORY_LIMIT_MIB"] != "384" {
		t.Errorf("GRAPH_MEMORY_LIMIT_MIB=%q, want 384 (three quarters of the 512Mi limit)", env["GRAPH_MEMORY_LIMIT_MIB"])
	}
	for name := range env {
		if strings.Contains(name, "SECRET") || name == "MTN_API_KEY" || name == "GRAPH_CLIENT_KEYS" || name == "REDIS_URL" {
			t.Errorf("%s is given as a plain value: secrets come from the Secret", name)
		}
	}
	if env["MTN_PROFILES_URL"] != "https://api.example.com/profiles/v1" || env["GRAPH_OPS_ADDR"] != ":9090" {
		t.Errorf("env: %v", env)
	}
}

func TestChartRefusesRealAPIsWithoutASecret(t *testing.T) {
	t.Parallel()
	_, err := render(t, "template", "cg", "customer-graph", "--set", "upstream.profilesURL=https://api.example.com/profiles/v1")
	if err == nil || !strings.Contains(err.Error(), "existingSecret is required") {
		t.Errorf("rendered without credentials: %v", err)
	}
}
