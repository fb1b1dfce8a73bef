//go:build ((linux && amd64) || darwin) && cgo && !noxla

package backend

import (
	"os"

	"github.com/gomlx/gomlx/backends/xla"
)

const xlaCompiled = true

func init() {
	// Never download PJRT plugins: a missing plugin falls back to the pure-Go backend.
	_ = os.Setenv(xla.NoAutoInstallEnv, "1")
	xla.EnableAutoInstall(false)
}
