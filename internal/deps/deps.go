// Package deps pins the module dependencies until every one of them is imported by real code.
package deps

import (
	_ "codeberg.org/sbinet/npyio"
	_ "github.com/gomlx/gomlx/backends/default"
	_ "github.com/gomlx/gomlx/pkg/core/graph"
	_ "github.com/gomlx/gomlx/pkg/ml/context"
	_ "github.com/gomlx/gomlx/pkg/ml/layers"
	_ "github.com/gomlx/gomlx/pkg/ml/train"
	_ "github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	_ "github.com/schollz/progressbar/v3"
	_ "gonum.org/v1/gonum/dsp/fourier"
	_ "gonum.org/v1/plot"
)
