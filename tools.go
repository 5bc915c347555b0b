//go:build tools

// Package main pins the code generator so `go generate ./...` uses the
// version recorded in go.mod.
package main

import (
	_ "github.com/99designs/gqlgen"
)
