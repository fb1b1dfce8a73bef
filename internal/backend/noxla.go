//go:build !(((linux && amd64) || darwin) && cgo && !noxla)

package backend

const xlaCompiled = false
