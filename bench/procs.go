package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// upstreams is what the bench asks of the sandbox: the in-process server,
// or a sandbox process driven through its /_sandbox/ hooks.
type upstreams interface {
	Reset()
	Calls() map[string]int
	SetLatency(api string, d time.Duration)
}

// remoteSandbox drives a sandbox in another process.
type remoteSandbox struct{ base string }

func (r remoteSandbox) Reset() {
	if resp, err := http.Post(r.base+"/_sandbox/reset", "", nil); err == nil {
		resp.Body.Close()
	}
}

func (r remoteSandbox) Calls() map[string]int {
	out := map[string]int{}
	resp, err := http.Get(r.base + "/_sandbox/calls")
	if err != nil {
		return out
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return out
}

func (r remoteSandbox) SetLatency(api string, d time.Duration) {
	body, _ := json.Marshal(map[string]string{api: d.String()})
	req, _ := http.NewRequest(http.MethodPut, r.base+"/_sandbox/latency", bytes.NewReader(body))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

// process is a child process that logs its URL as JSON ("… listening").
type process struct {
	cmd *exec.Cmd
	url string
}

// startProcess runs name with args and env, and waits for the line whose
// message is ready, taking its url. Every later line goes to each.
func startProcess(name string, args, env []string, ready string, each func([]byte)) (*process, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil && line["message"] == ready {
				urlc <- line["url"].(string)
				break
			}
		}
		for sc.Scan() {
			if each != nil {
				each(sc.Bytes())
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-urlc:
		return &process{cmd: cmd, url: u}, nil
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("%s did not start", name)
	}
}

func (p *process) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	_ = p.cmd.Wait()
}

// cpuSeconds is the user and system CPU pid has used, from /proc/<pid>/stat.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count from after its ')'.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / clockTicks
}

// clockTicks is USER_HZ, 100 on every Linux the bench runs on.
const clockTicks = 100
